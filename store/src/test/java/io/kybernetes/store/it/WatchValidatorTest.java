package io.kybernetes.store.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Watch validator: concurrent random puts, deletes and lease expiries while 60 watchers (12 streams of 5) start
 * at random past revisions on random sub-ranges. The history is replayed afterwards from the first revision; it
 * must hold every acknowledged write at its revision, have no revision gap, and fold into the final state. Each
 * watcher must have seen exactly that history from its start revision on its range: no gap, no duplicate, in order,
 * with correct prev_kv.
 */
@QuarkusTest
@QuarkusTestResource(value = StoreTestResource.class, restrictToAnnotatedClass = false)
class WatchValidatorTest {

    private static final String PREFIX = "/wv/";
    private static final int STREAMS = 12;
    private static final int PER_STREAM = 5;
    private static final int WRITERS = 4;
    private static final long WRITE_MILLIS = 6_000;

    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** What one watcher asked for and what it got. */
    static final class Spec {
        final String from;
        final String to;
        final long start;
        final boolean prevKv;
        final List<Event> events = new CopyOnWriteArrayList<>();
        final List<String> errors = new CopyOnWriteArrayList<>();

        Spec(String from, String to, long start, boolean prevKv) {
            this.from = from;
            this.to = to;
            this.start = start;
            this.prevKv = prevKv;
        }

        boolean covers(Event e) {
            String k = e.getKv().getKey().toStringUtf8();
            return e.getKv().getModRevision() >= start && k.compareTo(from) >= 0 && k.compareTo(to) < 0;
        }

        @Override
        public String toString() {
            return "watch [" + from + ", " + to + ") from " + start + (prevKv ? " prev_kv" : "");
        }
    }

    /** One Watch stream carrying several watchers; create requests go one at a time so ids map to specs. */
    static final class Stream {
        final Map<Long, Spec> byId = new ConcurrentHashMap<>();
        final BlockingQueue<WatchResponse> created = new LinkedBlockingQueue<>();
        final StreamObserver<WatchRequest> requests;

        Stream(ManagedChannel channel) {
            requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse r) {
                    if (r.getCreated()) {
                        created.add(r);
                        return;
                    }
                    Spec s = byId.get(r.getWatchId());
                    if (s == null) {
                        return;
                    }
                    if (r.getCanceled() || r.getCompactRevision() != 0) {
                        s.errors.add("canceled: " + r);
                    }
                    s.events.addAll(r.getEventsList());
                }

                @Override
                public void onError(Throwable t) {
                    byId.values().forEach(s -> s.errors.add("stream failed: " + t));
                }

                @Override
                public void onCompleted() {
                }
            });
        }

        void add(Spec s) throws InterruptedException {
            // ids are given in creation order from 0, as etcd does: map the id first, events may follow at once
            long id = byId.size();
            byId.put(id, s);
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                    .setKey(bs(s.from)).setRangeEnd(bs(s.to)).setStartRevision(s.start).setPrevKv(s.prevKv)).build());
            WatchResponse r = created.poll(10, TimeUnit.SECONDS);
            assertNotNull(r, "no created response for " + s);
            assertEquals(id, r.getWatchId(), "watch id");
        }
    }

    @Test
    void everyWatcherSeesExactlyTheHistoryFromItsStart() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:" + StoreTestResource.grpcPort)
                .usePlaintext().maxInboundMessageSize(64 << 20).build();
        try {
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
            LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(channel);
            long base = kv.range(RangeRequest.newBuilder().setKey(bs(PREFIX)).build()).getHeader().getRevision();

            // acknowledged writes: revision -> "put key value" / "del key"
            Map<Long, List<String>> acked = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    Random rnd = new Random(id);
                    for (int seq = 0; !stop.get(); seq++) {
                        String key = PREFIX + (char) ('a' + rnd.nextInt(6)) + "/" + rnd.nextInt(20);
                        int op = rnd.nextInt(10);
                        if (op < 6) {
                            String value = id + "-" + seq;
                            long rev = kv.put(PutRequest.newBuilder().setKey(bs(key)).setValue(bs(value)).build())
                                    .getHeader().getRevision();
                            acked.computeIfAbsent(rev, r -> new CopyOnWriteArrayList<>()).add("put " + key + " " + value);
                        } else if (op < 9) {
                            DeleteRangeResponse d = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs(key)).build());
                            if (d.getDeleted() > 0) {
                                acked.computeIfAbsent(d.getHeader().getRevision(), r -> new CopyOnWriteArrayList<>())
                                        .add("del " + key);
                            }
                        } else {
                            // a short lease with a key or two on it: its expiry deletes them
                            long leaseId = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(1).build()).getID();
                            for (int i = 0; i < 1 + rnd.nextInt(2); i++) {
                                String lk = PREFIX + "l/" + id + "-" + seq + "-" + i;
                                String value = "leased-" + seq;
                                long rev = kv.put(PutRequest.newBuilder().setKey(bs(lk)).setValue(bs(value))
                                        .setLease(leaseId).build()).getHeader().getRevision();
                                acked.computeIfAbsent(rev, r -> new CopyOnWriteArrayList<>()).add("put " + lk + " " + value);
                            }
                        }
                    }
                }, "wv-writer-" + w);
                t.start();
                writers.add(t);
            }

            // watchers join during the load, each from a random revision already written
            List<Spec> specs = new ArrayList<>();
            List<Stream> streams = new ArrayList<>();
            long deadline = System.currentTimeMillis() + WRITE_MILLIS;
            String[] ranges = {"a", "b", "c", "d", "e", "f", "l"};
            for (int s = 0; s < STREAMS; s++) {
                Stream stream = new Stream(channel);
                streams.add(stream);
                for (int i = 0; i < PER_STREAM; i++) {
                    long now = kv.range(RangeRequest.newBuilder().setKey(bs(PREFIX)).build()).getHeader().getRevision();
                    long start = base + 1 + ThreadLocalRandom.current().nextLong(Math.max(1, now - base));
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    Spec spec = switch (r.nextInt(3)) {
                        case 0 -> new Spec(PREFIX, PREFIX.substring(0, PREFIX.length() - 1) + "0", start, r.nextBoolean());
                        case 1 -> {
                            String sub = PREFIX + ranges[r.nextInt(ranges.length)] + "/";
                            yield new Spec(sub, sub.substring(0, sub.length() - 1) + "0", start, r.nextBoolean());
                        }
                        default -> new Spec(PREFIX + "b", PREFIX + "e", start, r.nextBoolean());
                    };
                    stream.add(spec);
                    specs.add(spec);
                }
                Thread.sleep(Math.max(0, (deadline - System.currentTimeMillis()) / (STREAMS - s + 1)));
            }
            Thread.sleep(Math.max(0, deadline - System.currentTimeMillis()));
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
            // let the last leases expire (1 s TTL, plus the expiry loop)
            long quiet = System.currentTimeMillis() + 20_000;
            while (kv.range(RangeRequest.newBuilder().setKey(bs(PREFIX + "l/")).setRangeEnd(bs(PREFIX + "l0"))
                    .setCountOnly(true).build()).getCount() > 0) {
                assertTrue(System.currentTimeMillis() < quiet, "leased keys did not expire");
                Thread.sleep(200);
            }
            RangeResponse fin = kv.range(RangeRequest.newBuilder().setKey(bs(PREFIX))
                    .setRangeEnd(bs(PREFIX.substring(0, PREFIX.length() - 1) + "0")).build());
            long last = fin.getHeader().getRevision();

            // the full history, replayed from the first revision
            Spec all = new Spec(PREFIX, PREFIX.substring(0, PREFIX.length() - 1) + "0", base + 1, true);
            Stream replay = new Stream(channel);
            replay.add(all);
            awaitUpTo(all, last);
            List<Event> history = all.events;
            assertTrue(all.errors.isEmpty(), all.errors.toString());

            // no gap, in order; every acknowledged write at its revision
            TreeMap<Long, List<Event>> byRev = new TreeMap<>();
            long prev = 0;
            for (Event e : history) {
                assertTrue(e.getKv().getModRevision() >= prev, "history out of order at " + e);
                prev = e.getKv().getModRevision();
                byRev.computeIfAbsent(prev, r -> new ArrayList<>()).add(e);
            }
            assertEquals(base + 1, byRev.firstKey());
            assertEquals(last, byRev.lastKey());
            assertEquals(last - base, byRev.size(), "a revision without events: gap in history");
            int expiries = 0;
            for (Map.Entry<Long, List<Event>> r : byRev.entrySet()) {
                List<String> got = r.getValue().stream().map(WatchValidatorTest::describe).toList();
                List<String> want = acked.get(r.getKey());
                if (want != null) {
                    assertEquals(want, got, "revision " + r.getKey());
                } else {
                    // not written by a client: a lease expiry, only deletes of leased keys
                    for (String g : got) {
                        assertTrue(g.startsWith("del " + PREFIX + "l/"), "unexpected event at " + r.getKey() + ": " + g);
                    }
                    expiries++;
                }
            }
            assertEquals(acked.size() + expiries, byRev.size());
            assertTrue(expiries > 0, "no lease expired during the run");

            // folding the history gives the final state, and every prev_kv is the state before
            Map<String, KeyValue> state = new HashMap<>();
            for (Event e : history) {
                String k = e.getKv().getKey().toStringUtf8();
                KeyValue before = state.get(k);
                if (before != null) {
                    assertEquals(before, e.getPrevKv(), "prev_kv at " + e.getKv().getModRevision());
                } else {
                    assertTrue(!e.hasPrevKv(), "prev_kv for a new key at " + e.getKv().getModRevision());
                }
                if (e.getType() == Event.EventType.PUT) {
                    state.put(k, e.getKv());
                } else {
                    state.remove(k);
                }
            }
            Map<String, KeyValue> finalState = new HashMap<>();
            fin.getKvsList().forEach(k -> finalState.put(k.getKey().toStringUtf8(), k));
            assertEquals(finalState, state, "history does not fold into the final state");

            // each watcher: exactly the history from its start on its range
            int watched = 0;
            for (Spec s : specs) {
                List<Event> want = history.stream().filter(s::covers)
                        .map(e -> s.prevKv ? e : e.toBuilder().clearPrevKv().build()).toList();
                long lastWanted = want.isEmpty() ? 0 : want.get(want.size() - 1).getKv().getModRevision();
                awaitUpTo(s, lastWanted);
                assertTrue(s.errors.isEmpty(), s + ": " + s.errors);
                if (want.size() != s.events.size()) {
                    List<Long> wantRevs = want.stream().map(e -> e.getKv().getModRevision()).toList();
                    List<Long> gotRevs = s.events.stream().map(e -> e.getKv().getModRevision()).toList();
                    List<Long> missing = new ArrayList<>(wantRevs);
                    gotRevs.forEach(missing::remove);
                    List<Long> extra = new ArrayList<>(gotRevs);
                    wantRevs.forEach(extra::remove);
                    System.out.println(s + ": missing " + missing + " extra " + extra + " first got " + gotRevs.subList(0, Math.min(5, gotRevs.size())));
                }
                assertEquals(want.size(), s.events.size(), s + ": event count");
                assertEquals(want, s.events, s.toString());
                watched += s.events.size();
            }
            System.out.printf("watch validator: %d watchers on %d streams, %d revisions (%d acknowledged writes, "
                    + "%d lease expiries), %d events checked%n", specs.size(), STREAMS, last - base, acked.size(),
                    expiries, watched + history.size());
            for (Stream s : streams) {
                s.requests.onCompleted();
            }
            replay.requests.onCompleted();
        } finally {
            channel.shutdownNow();
        }
    }

    private static void awaitUpTo(Spec s, long rev) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && s.errors.isEmpty()) {
            List<Event> ev = s.events;
            if (rev == 0 || (!ev.isEmpty() && ev.get(ev.size() - 1).getKv().getModRevision() >= rev)) {
                Thread.sleep(100); // anything extra (a duplicate) would show now
                return;
            }
            Thread.sleep(50);
        }
    }

    private static String describe(Event e) {
        String k = e.getKv().getKey().toStringUtf8();
        return e.getType() == Event.EventType.PUT ? "put " + k + " " + e.getKv().getValue().toStringUtf8() : "del " + k;
    }
}
