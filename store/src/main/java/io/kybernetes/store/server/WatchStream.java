package io.kybernetes.store.server;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kybernetes.store.apply.Applier;
import io.kybernetes.store.cluster.ClusterInfo;
import io.kybernetes.store.mvcc.KeyRange;
import io.kybernetes.store.watch.WatchOptions;
import io.kybernetes.store.watch.WatchSink;
import io.kybernetes.store.watch.WatchableStore;
import io.kybernetes.store.watch.Watcher;

/**
 * One Watch gRPC stream: many watchers, ids assigned as etcd does (the lowest free id counting up from 0, or the
 * id the client asks for). Responses are queued and written only while the transport is ready, so a slow client
 * builds a backlog here (which demotes its watchers to catch-up) instead of blocking the store.
 */
final class WatchStream implements StreamObserver<WatchRequest>, WatchSink {

    private static final Logger LOG = Logger.getLogger(WatchStream.class);
    /** WatchCreateRequest.watch_id (etcd 3.4), unknown to the bundled proto. */
    private static final int FIELD_WATCH_ID = 7;
    /** WatchCreateRequest.fragment and WatchResponse.fragment, unknown to the bundled proto. */
    private static final int FIELD_CREATE_FRAGMENT = 8;
    private static final int FIELD_RESPONSE_FRAGMENT = 7;
    /** Size from which a fragmenting watcher's response is split: the request limit plus gRPC overhead, as etcd. */
    static final int FRAGMENT_BYTES = Applier.MAX_REQUEST_BYTES + 512 * 1024;
    private static final com.google.protobuf.UnknownFieldSet FRAGMENT = com.google.protobuf.UnknownFieldSet.newBuilder()
            .addField(FIELD_RESPONSE_FRAGMENT, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(1).build())
            .build();
    /** Size above which a batch of events is split (between revisions) into several responses. */
    static int maxResponseBytes = 1024 * 1024;

    private final WatchableStore store;
    private final ClusterInfo cluster;
    private final StreamObserver<WatchResponse> out;
    private final ServerCallStreamObserver<WatchResponse> call;
    private final Map<Long, Watcher> watchers = new ConcurrentHashMap<>();
    /** Ids of the watchers that asked for fragmented responses. */
    private final java.util.Set<Long> fragmenting = ConcurrentHashMap.newKeySet();
    private final Queue<WatchResponse> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean closed;
    private long nextId;

    WatchStream(WatchableStore store, ClusterInfo cluster, StreamObserver<WatchResponse> out) {
        this.store = store;
        this.cluster = cluster;
        this.out = out;
        this.call = out instanceof ServerCallStreamObserver<WatchResponse> s ? s : null;
        if (call != null) {
            call.setOnReadyHandler(this::drain);
            call.setOnCancelHandler(this::close);
        }
    }

    @Override
    public void onNext(WatchRequest req) {
        switch (req.getRequestUnionCase()) {
            case CREATE_REQUEST -> create(req.getCreateRequest());
            case CANCEL_REQUEST -> cancel(req.getCancelRequest());
            case PROGRESS_REQUEST -> progress();
            default -> { }
        }
    }

    private synchronized void create(WatchCreateRequest c) {
        com.google.protobuf.ByteString key = c.getKey();
        if (key.isEmpty()) {
            key = com.google.protobuf.ByteString.copyFrom(new byte[] {0}); // the smallest key
        }
        KeyRange range = KeyRange.of(key, c.getRangeEnd());
        long cur = store.store().rev();
        long requested = requestedId(c);
        String error = null;
        if (!range.isSingle() && !range.end().isEmpty() && KeyRange.ORDER.compare(range.key(), range.end()) >= 0) {
            error = "mvcc: watcher range is empty";
        } else if (requested != 0 && watchers.containsKey(requested)) {
            error = "mvcc: duplicate watch ID provided on the WatchStream";
        }
        if (error != null) {
            send(WatchResponse.newBuilder().setHeader(cluster.header(cur)).setWatchId(-1).setCreated(true)
                    .setCanceled(true).setCancelReason(error).build(), 0);
            return;
        }
        long id = requested;
        if (id == 0) {
            while (watchers.containsKey(nextId)) {
                nextId++;
            }
            id = nextId++;
        }
        WatchOptions options = new WatchOptions(c.getPrevKv(),
                c.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT),
                c.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE),
                c.getProgressNotify());
        // "created" goes into the outbox before the watcher exists, so it precedes every event of the watcher
        send(WatchResponse.newBuilder().setHeader(cluster.header(cur)).setWatchId(id).setCreated(true).build(), 0);
        if (flag(c, FIELD_CREATE_FRAGMENT)) {
            fragmenting.add(id);
        } else {
            fragmenting.remove(id);
        }
        Watcher w = store.watch(id, range, c.getStartRevision(), options, this);
        watchers.put(id, w);
        LOG.debugf("watch %d created: key=%s start=%d", (Object) id, key.toStringUtf8(), c.getStartRevision());
    }

    private static boolean flag(WatchCreateRequest c, int field) {
        var f = c.getUnknownFields().getField(field);
        return f != null && !f.getVarintList().isEmpty() && f.getVarintList().get(0) != 0;
    }

    private static long requestedId(WatchCreateRequest c) {
        var f = c.getUnknownFields().getField(FIELD_WATCH_ID);
        return f == null || f.getVarintList().isEmpty() ? 0 : f.getVarintList().get(0);
    }

    private void cancel(WatchCancelRequest c) {
        Watcher w = watchers.remove(c.getWatchId());
        fragmenting.remove(c.getWatchId());
        if (w != null) {
            store.cancel(w);
            send(WatchResponse.newBuilder().setHeader(cluster.header(store.store().rev())).setWatchId(w.id())
                    .setCanceled(true).build(), 0);
        }
    }

    private void progress() {
        long rev = store.progressRev(watchers.values());
        if (rev >= 0) {
            send(WatchResponse.newBuilder().setHeader(cluster.header(rev)).setWatchId(-1).build(), 0);
        }
    }

    @Override
    public void events(Watcher w, long rev, List<Event> events) {
        if (closed || w.isCanceled()) {
            return;
        }
        // Long catch-ups are split into responses of about maxResponseBytes, only between revisions, so clients
        // with the default 4 MiB message limit can read them and never see part of a revision.
        int from = 0;
        int bytes = 0;
        for (int i = 0; i < events.size(); i++) {
            if (i > from && bytes >= maxResponseBytes
                    && events.get(i).getKv().getModRevision() != events.get(i - 1).getKv().getModRevision()) {
                sendEvents(w, rev, events.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += events.get(i).getSerializedSize();
        }
        sendEvents(w, rev, events.subList(from, events.size()));
    }

    private void sendEvents(Watcher w, long rev, List<Event> events) {
        WatchResponse whole = WatchResponse.newBuilder().setHeader(cluster.header(rev)).setWatchId(w.id())
                .addAllEvents(events).build();
        if (!fragmenting.contains(w.id()) || events.size() < 2
                || whole.getSerializedSize() < FRAGMENT_BYTES) {
            send(whole, events.size());
            return;
        }
        // etcd's fragment option: responses under the request limit (at least one event each), all but the
        // last flagged as fragments, which the client joins
        int from = 0;
        while (from < events.size()) {
            WatchResponse.Builder part = WatchResponse.newBuilder().setHeader(cluster.header(rev)).setWatchId(w.id());
            int size = part.build().getSerializedSize();
            int to = from;
            while (to < events.size()) {
                int next = size + eventBytes(events.get(to));
                if (to > from && next >= FRAGMENT_BYTES) {
                    break;
                }
                size = next;
                to++;
            }
            part.addAllEvents(events.subList(from, to));
            if (to < events.size()) {
                part.setUnknownFields(FRAGMENT);
            }
            send(part.build(), to - from);
            from = to;
        }
    }

    /** Bytes an event adds to a WatchResponse (field 11: tag, length, message). */
    private static int eventBytes(Event e) {
        int n = e.getSerializedSize();
        return 1 + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(n) + n;
    }

    @Override
    public void progress(Watcher w, long rev) {
        if (!closed && !w.isCanceled()) {
            send(WatchResponse.newBuilder().setHeader(cluster.header(rev)).setWatchId(w.id()).build(), 0);
        }
    }

    @Override
    public void compacted(Watcher w, long compactRev) {
        watchers.remove(w.id());
        // etcd 3.4: a header without revision, no cancel_reason
        send(WatchResponse.newBuilder().setHeader(cluster.header(0)).setWatchId(w.id())
                .setCanceled(true).setCompactRevision(compactRev).build(), 0);
    }

    @Override
    public int backlog() {
        return backlog.get();
    }

    private void send(WatchResponse r, int events) {
        if (closed) {
            return;
        }
        backlog.addAndGet(events);
        outbox.add(r);
        drain();
    }

    /** Writes queued responses while the transport accepts them; one drainer at a time. */
    private void drain() {
        while (!closed && !outbox.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                WatchResponse r;
                while (!closed && (call == null || call.isReady()) && (r = outbox.poll()) != null) {
                    out.onNext(r);
                    backlog.addAndGet(-r.getEventsCount());
                }
            } catch (RuntimeException e) {
                LOG.debugf("watch stream write failed: %s", e.toString());
                close();
            } finally {
                draining.set(false);
            }
            if (call != null && !call.isReady()) {
                return; // the on-ready handler resumes
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        close();
    }

    @Override
    public void onCompleted() {
        close();
        try {
            out.onCompleted();
        } catch (RuntimeException e) {
            LOG.debugf("completing watch stream failed: %s", e.toString());
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Watcher w : watchers.values()) {
            store.cancel(w);
        }
        watchers.clear();
        outbox.clear();
    }
}
