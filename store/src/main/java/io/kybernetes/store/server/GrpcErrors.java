package io.kybernetes.store.server;

import java.util.concurrent.CompletionException;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kybernetes.store.mvcc.EtcdException;

/** Maps failures to the gRPC status etcd would return; never sends a stack trace to the client. */
final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    static StatusRuntimeException toStatus(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof EtcdException e) {
            return e.toStatus().asRuntimeException();
        }
        if (c instanceof StatusRuntimeException s) {
            return s;
        }
        LOG.error("request failed", c);
        return Status.INTERNAL.withDescription("etcdserver: " + c.getClass().getSimpleName()).asRuntimeException();
    }

    /** Completes a unary call with the outcome of {@code body}. */
    static <T> void unary(StreamObserver<T> out, java.util.function.Supplier<T> body) {
        T value;
        try {
            value = body.get();
        } catch (RuntimeException e) {
            out.onError(toStatus(e));
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }

    /** Completes a unary call when {@code future} does. */
    static <T> void async(StreamObserver<T> out, java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> body) {
        java.util.concurrent.CompletionStage<T> future;
        try {
            future = body.get();
        } catch (RuntimeException e) {
            out.onError(toStatus(e));
            return;
        }
        future.whenComplete((v, e) -> {
            if (e != null) {
                out.onError(toStatus(e));
            } else {
                out.onNext(v);
                out.onCompleted();
            }
        });
    }
}
