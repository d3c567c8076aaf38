package io.kybernetes.store.cluster;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.ResponseHeader;
import io.kybernetes.store.backend.Backend;
import io.kybernetes.store.backend.Batch;

/**
 * Identity of this single-member cluster: cluster and member ids (chosen once, persisted), the "raft term" (bumped
 * at every start, as a single etcd member's term grows by one election per restart), name and URLs.
 */
public final class ClusterInfo {

    static final String META_CLUSTER_ID = "cluster_id";
    static final String META_MEMBER_ID = "member_id";
    static final String META_TERM = "term";

    private final long clusterId;
    private final long memberId;
    private final long term;
    private final String name;
    private final List<String> peerUrls;
    private final List<String> clientUrls;

    public ClusterInfo(Backend backend, String name, List<String> peerUrls, List<String> clientUrls) {
        this.name = name;
        this.peerUrls = List.copyOf(peerUrls);
        this.clientUrls = List.copyOf(clientUrls);
        Batch batch = new Batch();
        clusterId = backend.meta(META_CLUSTER_ID).orElseGet(() -> {
            long id = randomId();
            batch.meta(META_CLUSTER_ID, id);
            return id;
        });
        memberId = backend.meta(META_MEMBER_ID).orElseGet(() -> {
            long id = randomId();
            batch.meta(META_MEMBER_ID, id);
            return id;
        });
        term = backend.meta(META_TERM).orElse(1) + 1;
        batch.meta(META_TERM, term);
        backend.commit(batch);
    }

    private static long randomId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    public long clusterId() {
        return clusterId;
    }

    public long memberId() {
        return memberId;
    }

    public long term() {
        return term;
    }

    public ResponseHeader header(long rev) {
        return ResponseHeader.newBuilder()
                .setClusterId(clusterId)
                .setMemberId(memberId)
                .setRevision(rev)
                .setRaftTerm(term)
                .build();
    }

    public Member member() {
        return Member.newBuilder()
                .setID(memberId)
                .setName(name)
                .addAllPeerURLs(peerUrls)
                .addAllClientURLs(clientUrls)
                .build();
    }
}
