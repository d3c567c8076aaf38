package io.kybernetes.store.server;

import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import io.kybernetes.store.StoreNode;
import io.quarkus.grpc.GrpcService;

/** etcdserverpb.Watch: each call is a {@link WatchStream}. Nothing here blocks. */
@GrpcService
public class WatchService extends WatchGrpc.WatchImplBase {

    private final StoreNode node;

    public WatchService(StoreNode node) {
        this.node = node;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
        return new WatchStream(node.watchable(), node.cluster(), out);
    }
}
