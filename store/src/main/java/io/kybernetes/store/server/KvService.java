package io.kybernetes.store.server;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;
import io.kybernetes.store.StoreNode;
import io.kybernetes.store.mvcc.Written;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** etcdserverpb.KV. Reads run on a worker thread; writes are queued to the store's writer and answered from it. */
@GrpcService
public class KvService extends KVGrpc.KVImplBase {

    private final StoreNode node;

    public KvService(StoreNode node) {
        this.node = node;
    }

    @Override
    @Blocking
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
        GrpcErrors.unary(out, () -> node.applier().range(request));
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
        GrpcErrors.async(out, () -> node.applier().put(request).thenApply(Written::value));
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> out) {
        GrpcErrors.async(out, () -> node.applier().deleteRange(request).thenApply(Written::value));
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> out) {
        GrpcErrors.async(out, () -> node.applier().txn(request).thenApply(Written::value));
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> out) {
        GrpcErrors.async(out, () -> node.mvcc().compact(request.getRevision())
                .thenApply(w -> CompactionResponse.newBuilder().setHeader(node.cluster().header(w.rev())).build()));
    }
}
