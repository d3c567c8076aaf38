package io.kybernetes.store.mvcc;

import io.grpc.Status;

/**
 * An expected request failure with the gRPC code and message etcd gives for it (etcd's rpctypes), so clients that
 * match on the message text (jetcd, etcdctl, the apiserver) see the same thing.
 */
public final class EtcdException extends RuntimeException {

    private final Status.Code code;

    public EtcdException(Status.Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }

    public Status toStatus() {
        return Status.fromCode(code).withDescription(getMessage());
    }

    public static EtcdException keyNotProvided() {
        return new EtcdException(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided");
    }

    public static EtcdException futureRev() {
        return new EtcdException(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
    }

    public static EtcdException compacted() {
        return new EtcdException(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
    }

    public static EtcdException duplicateKey() {
        return new EtcdException(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
    }

    public static EtcdException tooManyOps() {
        return new EtcdException(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
    }

    public static EtcdException keyNotFound() {
        return new EtcdException(Status.Code.INVALID_ARGUMENT, "etcdserver: key not found");
    }

    public static EtcdException valueProvided() {
        return new EtcdException(Status.Code.INVALID_ARGUMENT, "etcdserver: value is provided");
    }

    public static EtcdException leaseProvided() {
        return new EtcdException(Status.Code.INVALID_ARGUMENT, "etcdserver: lease is provided");
    }

    public static EtcdException requestTooLarge() {
        return new EtcdException(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large");
    }

    public static EtcdException leaseNotFound() {
        return new EtcdException(Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
    }

    public static EtcdException leaseExists() {
        return new EtcdException(Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists");
    }

    public static EtcdException leaseTtlTooLarge() {
        return new EtcdException(Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL");
    }

    public static EtcdException stopped() {
        return new EtcdException(Status.Code.UNAVAILABLE, "etcdserver: server stopped");
    }
}
