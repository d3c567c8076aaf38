package io.kybernetes.store.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.kybernetes.store.mvcc.EtcdException;
import io.kybernetes.store.mvcc.KeyRange;
import io.kybernetes.store.mvcc.TempStore;

class LessorTest {

    private final TempStore t = new TempStore();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private Lessor lessor = new Lessor(t.store, clock::get);

    @AfterEach
    void cleanup() {
        lessor.close();
        t.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private void advance(long seconds) {
        clock.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    private void putWithLease(String k, long lease) {
        t.store.write(txn -> txn.put(b(k), b("v"), lease)).join();
    }

    @Test
    void grantChoosesIdAndRaisesTinyTtl() {
        Lease l = lessor.grant(0, 1).join().value();
        assertTrue(l.id() > 0);
        assertEquals(Lessor.minTtl, l.ttl());
        Lease mine = lessor.grant(42, 30).join().value();
        assertEquals(42, mine.id());
        CompletionException dup = assertThrows(CompletionException.class, () -> lessor.grant(42, 30).join());
        assertEquals("etcdserver: lease already exists", dup.getCause().getMessage());
    }

    @Test
    void revokeDeletesAttachedKeysInOneRevision() {
        lessor.grant(7, 60).join();
        putWithLease("a", 7);
        putWithLease("b", 7);
        putWithLease("c", 0);
        assertEquals(List.of("a", "b"), lessor.lookup(7).orElseThrow().keys().stream()
                .map(ByteString::toStringUtf8).sorted().toList());
        List<Event> events = new ArrayList<>();
        t.store.setListener((rev, evs) -> events.addAll(evs));
        long rev = lessor.revoke(7).join().rev();
        assertEquals(5, rev);
        assertEquals(2, events.size());
        assertTrue(events.stream().allMatch(e -> e.getType() == Event.EventType.DELETE && e.getKv().getModRevision() == 5));
        assertEquals(1, t.store.range(new KeyRange(b("a"), ByteString.EMPTY), 0, 0).count());
        assertFalse(lessor.exists(7));
        CompletionException e = assertThrows(CompletionException.class, () -> lessor.revoke(7).join());
        assertEquals("etcdserver: requested lease not found", e.getCause().getMessage());
        assertEquals(io.grpc.Status.Code.NOT_FOUND, ((EtcdException) e.getCause()).code());
    }

    @Test
    void overwritingAKeyMovesItToTheNewLease() {
        lessor.grant(1, 60).join();
        lessor.grant(2, 60).join();
        putWithLease("a", 1);
        putWithLease("a", 2);
        assertTrue(lessor.lookup(1).orElseThrow().keys().isEmpty());
        assertEquals(1, lessor.lookup(2).orElseThrow().keys().size());
    }

    @Test
    void expiryRevokesAndRenewExtends() throws Exception {
        lessor.grant(5, 10).join();
        putWithLease("k", 5);
        advance(8);
        assertEquals(10, lessor.renew(5));
        advance(8);
        lessor.revokeExpired();
        Thread.sleep(50);
        assertTrue(lessor.exists(5), "renewed lease must not expire yet");
        assertEquals(2, lessor.lookup(5).orElseThrow().remainingSeconds(clock.get()));
        advance(3);
        assertEquals(-1, lessor.renew(5));
        lessor.revokeExpired();
        for (int i = 0; i < 200 && (lessor.exists(5) || t.store.rev() < 3); i++) {
            Thread.sleep(10);
        }
        assertFalse(lessor.exists(5));
        assertEquals(0, t.store.range(KeyRange.single(b("k")), 0, 0).count());
    }

    @Test
    void leasesSurviveRestartWithTheirFullTtl() {
        lessor.grant(9, 100).join();
        putWithLease("k", 9);
        advance(90);
        lessor.close();
        t.reopen();
        lessor = new Lessor(t.store, clock::get);
        Lease l = lessor.lookup(9).orElseThrow();
        assertEquals(100, l.remainingSeconds(clock.get()));
        assertEquals(List.of(b("k")), l.keys());
    }
}
