package io.kybernetes.store.server;

import com.google.protobuf.UnknownFieldSet;

import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;
import io.kybernetes.store.StoreNode;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** etcdserverpb.Maintenance: Status, Alarm (never any alarm) and Defragment (RocksDB needs none). */
@GrpcService
public class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

    /** The etcd version this store answers to (its API is etcd 3.4's). */
    public static final String VERSION = "3.4.23";

    /** StatusResponse fields of etcd 3.4 absent from the bundled proto: raftAppliedIndex = 7, dbSizeInUse = 9. */
    private static final int FIELD_RAFT_APPLIED_INDEX = 7;
    private static final int FIELD_DB_SIZE_IN_USE = 9;

    private final StoreNode node;

    public MaintenanceService(StoreNode node) {
        this.node = node;
    }

    @Override
    @Blocking
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        GrpcErrors.unary(out, () -> {
            long rev = node.mvcc().rev();
            long size = node.mvcc().backend().sizeBytes();
            long index = rev + node.cluster().term();
            return StatusResponse.newBuilder()
                    .setHeader(node.cluster().header(rev))
                    .setVersion(VERSION)
                    .setDbSize(size)
                    .setLeader(node.cluster().memberId())
                    .setRaftIndex(index)
                    .setRaftTerm(node.cluster().term())
                    .setUnknownFields(UnknownFieldSet.newBuilder()
                            .addField(FIELD_RAFT_APPLIED_INDEX, UnknownFieldSet.Field.newBuilder().addVarint(index).build())
                            .addField(FIELD_DB_SIZE_IN_USE, UnknownFieldSet.Field.newBuilder().addVarint(size).build())
                            .build())
                    .build();
        });
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> out) {
        GrpcErrors.unary(out, () -> AlarmResponse.newBuilder().setHeader(node.cluster().header(node.mvcc().rev())).build());
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> out) {
        GrpcErrors.unary(out, () -> DefragmentResponse.newBuilder()
                .setHeader(node.cluster().header(node.mvcc().rev())).build());
    }
}
