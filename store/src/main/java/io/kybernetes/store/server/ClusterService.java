package io.kybernetes.store.server;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.grpc.stub.StreamObserver;
import io.kybernetes.store.StoreNode;
import io.quarkus.grpc.GrpcService;

/** etcdserverpb.Cluster: a single member. */
@GrpcService
public class ClusterService extends ClusterGrpc.ClusterImplBase {

    private final StoreNode node;

    public ClusterService(StoreNode node) {
        this.node = node;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
        GrpcErrors.unary(out, () -> MemberListResponse.newBuilder()
                .setHeader(node.cluster().header(0)) // etcd: identity and term, no revision
                .addMembers(node.cluster().member())
                .build());
    }
}
