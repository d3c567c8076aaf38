package io.kybernetes.store.server;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import com.google.protobuf.UnknownFieldSet;

import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;
import io.kybernetes.store.StoreNode;
import io.kybernetes.store.mvcc.EtcdException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** etcdserverpb.Maintenance: Status, Alarm (never any alarm), Defragment (RocksDB needs none), Hash and HashKV. */
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

    /** etcd 3.4 answers Alarm and Defragment without a header. */
    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> out) {
        GrpcErrors.unary(out, AlarmResponse::getDefaultInstance);
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> out) {
        GrpcErrors.unary(out, DefragmentResponse::getDefaultInstance);
    }

    @Override
    @Blocking
    public void hash(HashRequest request, StreamObserver<HashResponse> out) {
        GrpcErrors.unary(out, () -> {
            long rev = node.mvcc().rev();
            return HashResponse.newBuilder().setHeader(node.cluster().header(rev)).setHash(hash(0, rev)).build();
        });
    }

    /**
     * HashKV: a CRC-32C over the history kept up to the revision, so that two calls agree when nothing changed in
     * between. The value is this store's own (etcd hashes its bbolt encoding; members of one cluster compare it).
     */
    @Override
    @Blocking
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> out) {
        GrpcErrors.unary(out, () -> {
            long cur = node.mvcc().rev();
            long compacted = node.mvcc().compactedRev();
            long rev = request.getRevision() > 0 ? request.getRevision() : cur;
            if (rev > cur) {
                throw EtcdException.futureRev();
            }
            if (rev < compacted) {
                throw EtcdException.compacted();
            }
            return HashKVResponse.newBuilder().setHeader(node.cluster().header(cur)).setHash(hash(compacted, rev))
                    .setCompactRevision(compacted).build();
        });
    }

    private int hash(long compacted, long rev) {
        CRC32C crc = new CRC32C();
        crc.update("key".getBytes(StandardCharsets.US_ASCII));
        node.mvcc().history(compacted + 1, rev, r -> {
            crc.update(r.revision().toBytes());
            if (r.tombstone()) {
                crc.update('t');
            }
            crc.update(r.kv().toByteArray());
            return true;
        });
        return (int) crc.getValue();
    }
}
