package io.kybernetes.store.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;

class MvccStoreTest {

    private final TempStore t = new TempStore();

    @AfterEach
    void cleanup() {
        t.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private long put(String k, String v) {
        return t.store.write(txn -> txn.put(b(k), b(v), 0)).join().rev();
    }

    private KeyValue get(String k, long rev) {
        List<KeyValue> kvs = t.store.range(KeyRange.single(b(k)), rev, 0).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** Over the value budget the heap keeps only metadata; values come back from RocksDB, also after a restart. */
    @Test
    void valuesBeyondTheBudgetAreReadFromTheBackend() {
        t.store.index().setValueBudget(0);
        String big = "x".repeat(4096);
        put("a", big + "1");
        put("a", big + "2");
        put("b", big + "3");
        assertEquals(null, t.store.index().range(KeyRange.single(b("a")), t.store.rev(), 0).hits().get(0).cached(),
                "value dropped from the heap");
        assertEquals(big + "2", get("a", 0).getValue().toStringUtf8());
        assertEquals(big + "1", get("a", 2).getValue().toStringUtf8());
        // the writer's view (prev values, compares) loads it too
        KeyValue prev = t.store.write(txn -> txn.put(b("a"), b("new"), 0)).join().value();
        assertEquals(big + "2", prev.getValue().toStringUtf8());
        assertEquals(2, prev.getVersion());
        assertEquals(big + "3", t.store.write(txn -> txn.latest(b("b"))).join().value().getValue().toStringUtf8());
        t.reopen();
        t.store.index().setValueBudget(0);
        assertEquals("new", get("a", 0).getValue().toStringUtf8());
        assertEquals(big + "3", t.store.write(txn -> txn.latest(b("b"))).join().value().getValue().toStringUtf8());
    }

    /** A range delete without prev values reads no value from the backend: events carry no prev_kv then. */
    @Test
    void rangeDeleteWithoutValuesLeavesThemInTheBackend() {
        t.store.index().setValueBudget(0);
        put("p/1", "one");
        put("p/2", "two");
        List<KeyValue> meta = t.store.write(txn -> txn.delete(new KeyRange(b("p/"), b("p0")), false)).join().value();
        assertEquals(2, meta.size());
        assertEquals("", meta.get(0).getValue().toStringUtf8(), "metadata only");
        assertEquals(2, meta.get(0).getModRevision());
        assertEquals(0, t.store.range(new KeyRange(b("p/"), b("p0")), 0, 0).count());
        put("q", "three");
        List<KeyValue> full = t.store.write(txn -> txn.delete(KeyRange.single(b("q")), true)).join().value();
        assertEquals("three", full.get(0).getValue().toStringUtf8());
    }

    @Test
    void anEmptyStoreIsAtRevisionOneAsEtcd() {
        assertEquals(1, t.store.rev());
        assertEquals(1, t.store.range(KeyRange.single(b("a")), 0, 0).rev());
        assertEquals(2, put("a", "1"));
    }

    @Test
    void revisionsVersionsAndCreateRevisions() {
        assertEquals(2, put("a", "1"));
        assertEquals(3, put("a", "2"));
        assertEquals(4, put("b", "1"));
        KeyValue a = get("a", 0);
        assertEquals(2, a.getCreateRevision());
        assertEquals(3, a.getModRevision());
        assertEquals(2, a.getVersion());
        assertEquals("2", a.getValue().toStringUtf8());
        assertEquals("1", get("a", 2).getValue().toStringUtf8());
        assertEquals(null, get("a", 1));

        long del = t.store.write(txn -> txn.delete(KeyRange.single(b("a")))).join().rev();
        assertEquals(5, del);
        assertEquals(null, get("a", 0));
        assertEquals("2", get("a", 4).getValue().toStringUtf8());
        // a new generation starts over
        assertEquals(6, put("a", "3"));
        KeyValue again = get("a", 0);
        assertEquals(6, again.getCreateRevision());
        assertEquals(1, again.getVersion());
    }

    @Test
    void multiKeyWritesShareOneRevision() {
        put("p/1", "x");
        put("p/2", "x");
        put("q", "x");
        Written<List<KeyValue>> w = t.store.write(txn -> txn.delete(new KeyRange(b("p/"), b("p0")))).join();
        assertEquals(5, w.rev());
        assertEquals(2, w.value().size());
        Written<Object> txn = t.store.write(x -> {
            x.put(b("m"), b("1"), 0);
            x.put(b("n"), b("1"), 0);
            return null;
        }).join();
        assertEquals(6, txn.rev());
        assertEquals(6, get("m", 0).getModRevision());
        assertEquals(6, get("n", 0).getModRevision());
    }

    @Test
    void noOpWriteKeepsTheRevision() {
        put("a", "1");
        assertEquals(2, t.store.write(txn -> txn.delete(KeyRange.single(b("missing")))).join().rev());
        assertEquals(2, t.store.rev());
    }

    @Test
    void futureAndCompactedRevisions() {
        put("a", "1");
        put("a", "2");
        put("a", "3");
        EtcdException future = assertThrows(EtcdException.class, () -> get("a", 5));
        assertEquals("etcdserver: mvcc: required revision is a future revision", future.getMessage());
        t.store.compact(3).join();
        assertEquals("2", get("a", 3).getValue().toStringUtf8());
        EtcdException compacted = assertThrows(EtcdException.class, () -> get("a", 2));
        assertEquals("etcdserver: mvcc: required revision has been compacted", compacted.getMessage());
    }

    @Test
    void rangeLimitAndCount() {
        for (String k : List.of("a", "b", "c", "d")) {
            put(k, k);
        }
        RangeResult r = t.store.range(new KeyRange(b("a"), ByteString.EMPTY), 0, 2);
        assertEquals(4, r.count());
        assertEquals(List.of("a", "b"), r.kvs().stream().map(kv -> kv.getKey().toStringUtf8()).toList());
        RangeResult mid = t.store.range(new KeyRange(b("b"), b("d")), 0, 0);
        assertEquals(2, mid.count());
    }

    @Test
    void concurrentWritersGetDistinctRevisions() {
        List<CompletableFuture<Written<KeyValue>>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String k = "k" + (i % 10);
            fs.add(t.store.write(txn -> txn.put(b(k), b("v"), 0)));
        }
        Set<Long> revs = new HashSet<>();
        for (var f : fs) {
            revs.add(f.join().rev());
        }
        assertEquals(200, revs.size());
        assertEquals(201, t.store.rev());
        assertEquals(20, get("k3", 0).getVersion());
    }

    @Test
    void listenerSeesEventsWithPrevKv() {
        List<Event> seen = new ArrayList<>();
        t.store.setListener((rev, events) -> seen.addAll(events));
        put("a", "1");
        put("a", "2");
        t.store.write(txn -> txn.delete(KeyRange.single(b("a")))).join();
        assertEquals(3, seen.size());
        assertEquals(Event.EventType.PUT, seen.get(1).getType());
        assertEquals("1", seen.get(1).getPrevKv().getValue().toStringUtf8());
        assertEquals(Event.EventType.DELETE, seen.get(2).getType());
        assertEquals(4, seen.get(2).getKv().getModRevision());
        assertEquals("2", seen.get(2).getPrevKv().getValue().toStringUtf8());
    }

    @Test
    void restartRebuildsIndexAndContinuesRevisions() {
        put("a", "1");
        put("a", "2");
        put("b", "1");
        t.store.write(txn -> txn.delete(KeyRange.single(b("b")))).join();
        t.reopen();
        assertEquals(5, t.store.rev());
        KeyValue a = get("a", 0);
        assertEquals(2, a.getVersion());
        assertEquals("1", get("a", 2).getValue().toStringUtf8());
        assertEquals(null, get("b", 0));
        assertEquals(6, put("b", "2"));
        assertEquals(1, get("b", 0).getVersion());
    }

    @Test
    void restartAfterCompactingTheNewestTombstoneKeepsTheRevision() {
        put("a", "1");
        t.store.write(txn -> txn.delete(KeyRange.single(b("a")))).join();
        t.store.compact(3).join();
        t.reopen();
        assertEquals(3, t.store.rev());
        assertEquals(3, t.store.compactedRev());
        assertTrue(t.store.range(KeyRange.single(b("a")), 0, 0).kvs().isEmpty());
        assertEquals(4, put("a", "2"));
    }
}
