package io.kybernetes.store.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.kybernetes.store.mvcc.KeyRange;
import io.kybernetes.store.mvcc.TempStore;

class WatchableStoreTest {

    private final TempStore t = new TempStore();
    private final WatchableStore ws = new WatchableStore(t.store);

    /** Records events; its backlog is whatever the test sets. */
    static final class Recorder implements WatchSink {
        final List<Event> events = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger backlog = new AtomicInteger();
        volatile long compactedAt;
        final List<Long> progress = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void progress(Watcher w, long rev) {
            progress.add(rev);
        }

        @Override
        public void events(Watcher w, long rev, List<Event> evs) {
            events.addAll(evs);
        }

        @Override
        public void compacted(Watcher w, long compactRev) {
            compactedAt = compactRev;
        }

        @Override
        public int backlog() {
            return backlog.get();
        }

        List<String> summary() {
            synchronized (events) {
                return events.stream().map(e -> e.getType() + " " + e.getKv().getKey().toStringUtf8() + "@"
                        + e.getKv().getModRevision()).toList();
            }
        }
    }

    @AfterEach
    void cleanup() {
        ws.close();
        t.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private void put(String k) {
        t.store.write(txn -> txn.put(b(k), b("v"), 0)).join();
    }

    private void del(String k) {
        t.store.write(txn -> txn.delete(KeyRange.single(b(k)))).join();
    }

    private static void await(Recorder r, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (r.events.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void liveWatchSeesOnlyItsRangeAndNewRevisions() throws Exception {
        put("a/1");
        Recorder r = new Recorder();
        ws.watch(0, new KeyRange(b("a/"), b("a0")), 0, WatchOptions.DEFAULT, r);
        put("a/2");
        put("b");
        del("a/1");
        await(r, 2);
        assertEquals(List.of("PUT a/2@3", "DELETE a/1@5"), r.summary());
        assertTrue(r.events.stream().noneMatch(Event::hasPrevKv));
    }

    @Test
    void watchFromThePastReplaysHistoryThenGoesLive() throws Exception {
        put("k");
        put("k");
        del("k");
        put("other");
        Recorder r = new Recorder();
        ws.watch(0, KeyRange.single(b("k")), 3, new WatchOptions(true, false, false, false), r);
        await(r, 2);
        put("k");
        await(r, 3);
        assertEquals(List.of("PUT k@3", "DELETE k@4", "PUT k@6"), r.summary());
        assertEquals(2, r.events.get(0).getPrevKv().getModRevision());
        assertEquals(3, r.events.get(1).getPrevKv().getModRevision());
    }

    /** A delete whose previous value is no longer on the heap: prev_kv watchers read it from the backend. */
    @Test
    void prevKvOfARangeDeleteIsReadFromTheBackendForWatchersThatAsk() throws Exception {
        t.keepNoValuesOnHeap();
        put("r/1");
        t.store.write(txn -> txn.put(b("r/2"), b("two"), 0)).join();
        Recorder withPrev = new Recorder();
        Recorder plain = new Recorder();
        ws.watch(0, new KeyRange(b("r/"), b("r0")), 0, new WatchOptions(true, false, false, false), withPrev);
        ws.watch(1, new KeyRange(b("r/"), b("r0")), 0, WatchOptions.DEFAULT, plain);
        t.store.write(txn -> txn.delete(new KeyRange(b("r/"), b("r0")), false)).join();
        await(withPrev, 2);
        await(plain, 2);
        assertEquals(List.of("DELETE r/1@4", "DELETE r/2@4"), withPrev.summary());
        assertEquals("v", withPrev.events.get(0).getPrevKv().getValue().toStringUtf8());
        assertEquals("two", withPrev.events.get(1).getPrevKv().getValue().toStringUtf8());
        assertEquals(3, withPrev.events.get(1).getPrevKv().getModRevision());
        assertTrue(plain.events.stream().noneMatch(Event::hasPrevKv));
    }

    /** The periodic notification (etcd's --experimental-watch-progress-notify-interval) reaches synced askers. */
    @Test
    void progressNotificationsArePeriodic() throws Exception {
        try (WatchableStore fast = new WatchableStore(t.store, java.time.Duration.ofMillis(100))) {
            Recorder asks = new Recorder();
            Recorder quiet = new Recorder();
            fast.watch(0, KeyRange.single(b("p")), 0, new WatchOptions(false, false, false, true), asks);
            fast.watch(1, KeyRange.single(b("p")), 0, WatchOptions.DEFAULT, quiet);
            put("p");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (asks.progress.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(asks.progress.size() >= 3, "notifications: " + asks.progress);
            assertEquals(2L, asks.progress.get(asks.progress.size() - 1), "the revision seen so far");
            assertTrue(quiet.progress.isEmpty());
        }
    }

    @Test
    void filters() throws Exception {
        Recorder noPut = new Recorder();
        Recorder noDelete = new Recorder();
        ws.watch(0, KeyRange.single(b("k")), 0, new WatchOptions(false, true, false, false), noPut);
        ws.watch(1, KeyRange.single(b("k")), 0, new WatchOptions(false, false, true, false), noDelete);
        put("k");
        del("k");
        await(noPut, 1);
        await(noDelete, 1);
        assertEquals(List.of("DELETE k@3"), noPut.summary());
        assertEquals(List.of("PUT k@2"), noDelete.summary());
    }

    @Test
    void slowWatcherIsDemotedAndCaughtUpWithoutBlockingWriters() throws Exception {
        int saved = WatchableStore.maxBacklog;
        WatchableStore.maxBacklog = 4;
        try {
            Recorder slow = new Recorder();
            ws.watch(0, new KeyRange(b("k"), ByteString.EMPTY), 0, WatchOptions.DEFAULT, slow);
            put("k1");
            slow.backlog.set(100); // the client stops reading
            for (int i = 2; i <= 20; i++) {
                put("k" + i); // writers carry on
            }
            assertEquals(21, t.store.rev());
            assertEquals(1, slow.events.size());
            slow.backlog.set(0); // the client reads again
            await(slow, 20);
            List<String> want = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                want.add("PUT k" + i + "@" + (i + 1));
            }
            assertEquals(want, slow.summary());
            put("k21");
            await(slow, 21);
            assertEquals("PUT k21@22", slow.summary().get(20));
        } finally {
            WatchableStore.maxBacklog = saved;
        }
    }

    @Test
    void watchBeforeTheCompactedRevisionIsCanceled() throws Exception {
        put("k");
        put("k");
        put("k");
        t.store.compact(3).join();
        Recorder r = new Recorder();
        Watcher w = ws.watch(0, KeyRange.single(b("k")), 1, WatchOptions.DEFAULT, r);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (r.compactedAt == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(3, r.compactedAt);
        assertTrue(w.isCanceled());
    }

    @Test
    void progressNotificationsOnlyForWatchersThatAskAndAreSynced() {
        Recorder asks = new Recorder();
        Recorder quiet = new Recorder();
        Recorder behind = new Recorder();
        put("k");
        ws.watch(0, KeyRange.single(b("k")), 0, new WatchOptions(false, false, false, true), asks);
        ws.watch(1, KeyRange.single(b("k")), 0, WatchOptions.DEFAULT, quiet);
        behind.backlog.set(1);
        ws.watch(2, KeyRange.single(b("k")), 0, new WatchOptions(false, false, false, true), behind);
        put("other");
        ws.notifyProgress();
        assertEquals(List.of(3L), asks.progress);
        assertTrue(quiet.progress.isEmpty());
        assertTrue(behind.progress.isEmpty());
    }

    @Test
    void canceledWatcherGetsNothing() throws Exception {
        Recorder r = new Recorder();
        Watcher w = ws.watch(0, KeyRange.single(b("k")), 0, WatchOptions.DEFAULT, r);
        ws.cancel(w);
        put("k");
        Thread.sleep(50);
        assertTrue(r.events.isEmpty());
    }
}
