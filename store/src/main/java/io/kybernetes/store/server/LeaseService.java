package io.kybernetes.store.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.kybernetes.store.StoreNode;
import io.kybernetes.store.lease.Lease;
import io.kybernetes.store.lease.Lessor;
import io.quarkus.grpc.GrpcService;

/** etcdserverpb.Lease. Grant and revoke are durable writes; keep-alive and TimeToLive are in memory. */
@GrpcService
public class LeaseService implements BindableService {

    private final StoreNode node;
    private final Impl impl = new Impl();

    public LeaseService(StoreNode node) {
        this.node = node;
    }

    private final class Impl extends LeaseGrpc.LeaseImplBase {

        @Override
        public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> out) {
            GrpcErrors.async(out, () -> node.lessor().grant(request.getID(), request.getTTL())
                    .thenApply(w -> LeaseGrantResponse.newBuilder()
                            .setHeader(node.cluster().header(w.rev()))
                            .setID(w.value().id())
                            .setTTL(w.value().ttl())
                            .build()));
        }

        @Override
        public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> out) {
            GrpcErrors.async(out, () -> node.lessor().revoke(request.getID())
                    .thenApply(w -> LeaseRevokeResponse.newBuilder().setHeader(node.cluster().header(w.rev())).build()));
        }

        @Override
        public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(LeaseKeepAliveRequest req) {
                    long ttl = node.lessor().renew(req.getID());
                    out.onNext(LeaseKeepAliveResponse.newBuilder()
                            .setHeader(node.cluster().header(node.mvcc().rev()))
                            .setID(req.getID())
                            .setTTL(Math.max(ttl, 0)) // TTL 0 tells the client the lease is gone
                            .build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }

        @Override
        public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> out) {
            GrpcErrors.unary(out, () -> {
                Lessor lessor = node.lessor();
                LeaseTimeToLiveResponse.Builder b = LeaseTimeToLiveResponse.newBuilder()
                        .setHeader(node.cluster().header(node.mvcc().rev()))
                        .setID(request.getID());
                Lease lease = lessor.lookup(request.getID()).orElse(null);
                if (lease == null) {
                    return b.setTTL(-1).build(); // etcd answers an unknown lease with TTL -1, not an error
                }
                b.setTTL(lease.remainingSeconds(lessor.now())).setGrantedTTL(lease.ttl());
                if (request.getKeys()) {
                    b.addAllKeys(lease.keys());
                }
                return b.build();
            });
        }
    }

    /**
     * LeaseLeases (etcd 3.3+) is missing from the proto bundled with jetcd-grpc, so the method is added to the
     * service definition by hand with a byte-array marshaller; its messages are tiny and encoded here directly.
     */
    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition base = impl.bindService();
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(LeaseGrpc.SERVICE_NAME);
        for (ServerMethodDefinition<?, ?> m : base.getMethods()) {
            b.addMethod(m);
        }
        MethodDescriptor<byte[], byte[]> leases = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(LeaseGrpc.SERVICE_NAME, "LeaseLeases"))
                .setRequestMarshaller(RawMarshaller.INSTANCE)
                .setResponseMarshaller(RawMarshaller.INSTANCE)
                .build();
        b.addMethod(leases, ServerCalls.asyncUnaryCall((req, out) -> GrpcErrors.unary(out, this::encodeLeases)));
        return b.build();
    }

    /** LeaseLeasesResponse: header = 1, repeated LeaseStatus leases = 2 (LeaseStatus: int64 ID = 1). */
    private byte[] encodeLeases() {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            CodedOutputStream cos = CodedOutputStream.newInstance(buf);
            cos.writeMessage(1, node.cluster().header(node.mvcc().rev()));
            for (Lease l : node.lessor().list()) {
                cos.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                cos.writeUInt32NoTag(CodedOutputStream.computeInt64Size(1, l.id()));
                cos.writeInt64(1, l.id());
            }
            cos.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private enum RawMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
