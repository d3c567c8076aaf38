package io.kybernetes.store.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Drives the in-process store with jetcd 0.8.5, the apiserver's client. */
@QuarkusTest
@QuarkusTestResource(value = StoreTestResource.class, restrictToAnnotatedClass = false)
class JetcdTest {

    private Client client;
    private KV kv;

    @BeforeEach
    void connect() {
        client = Client.builder().endpoints("http://127.0.0.1:" + StoreTestResource.grpcPort).build();
        kv = client.getKVClient();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String str(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void putGetDelete() throws Exception {
        long rev = kv.put(bs("/j/a"), bs("1")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
        kv.put(bs("/j/b"), bs("2")).get(5, TimeUnit.SECONDS);
        GetResponse all = kv.get(bs("/j/"), GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS);
        assertEquals(2, all.getCount());
        assertEquals(List.of("/j/a", "/j/b"), all.getKvs().stream().map(k -> str(k.getKey())).toList());
        KeyValue a = all.getKvs().get(0);
        assertEquals(rev, a.getCreateRevision());
        assertEquals(rev, a.getModRevision());
        assertEquals(1, a.getVersion());
        assertEquals(rev + 1, all.getHeader().getRevision());
        assertEquals(2, kv.delete(bs("/j/"), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build())
                .get(5, TimeUnit.SECONDS).getDeleted());
        assertEquals(0, kv.get(bs("/j/a")).get(5, TimeUnit.SECONDS).getCount());
    }

    /** The apiserver's optimistic update: compare mod_revision, put on success, read back on failure. */
    @Test
    void txnGuaranteedUpdate() throws Exception {
        long created = kv.put(bs("/j/obj"), bs("v1")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
        TxnResponse ok = kv.txn()
                .If(new Cmp(bs("/j/obj"), Cmp.Op.EQUAL, CmpTarget.modRevision(created)))
                .Then(Op.put(bs("/j/obj"), bs("v2"), PutOption.DEFAULT))
                .Else(Op.get(bs("/j/obj"), GetOption.DEFAULT))
                .commit().get(5, TimeUnit.SECONDS);
        assertTrue(ok.isSucceeded());
        assertEquals(created + 1, ok.getHeader().getRevision());
        TxnResponse stale = kv.txn()
                .If(new Cmp(bs("/j/obj"), Cmp.Op.EQUAL, CmpTarget.modRevision(created)))
                .Then(Op.put(bs("/j/obj"), bs("v3"), PutOption.DEFAULT))
                .Else(Op.get(bs("/j/obj"), GetOption.DEFAULT))
                .commit().get(5, TimeUnit.SECONDS);
        assertFalse(stale.isSucceeded());
        KeyValue current = stale.getGetResponses().get(0).getKvs().get(0);
        assertEquals("v2", str(current.getValue()));
        assertEquals(created + 1, current.getModRevision());
        // create-if-absent: create_revision == 0
        TxnResponse create = kv.txn()
                .If(new Cmp(bs("/j/obj"), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(bs("/j/obj"), bs("again"), PutOption.DEFAULT))
                .commit().get(5, TimeUnit.SECONDS);
        assertFalse(create.isSucceeded());
    }

    @Test
    void watchFromAPastRevision() throws Exception {
        long first = kv.put(bs("/jw/k"), bs("v1")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
        kv.put(bs("/jw/k"), bs("v2")).get(5, TimeUnit.SECONDS);
        kv.delete(bs("/jw/k")).get(5, TimeUnit.SECONDS);
        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        try (Watch.Watcher w = client.getWatchClient().watch(bs("/jw/"),
                WatchOption.builder().isPrefix(true).withRevision(first).withPrevKV(true).build(),
                resp -> events.addAll(resp.getEvents()))) {
            WatchEvent e1 = events.poll(5, TimeUnit.SECONDS);
            WatchEvent e2 = events.poll(5, TimeUnit.SECONDS);
            WatchEvent e3 = events.poll(5, TimeUnit.SECONDS);
            assertEquals(WatchEvent.EventType.PUT, e1.getEventType());
            assertEquals("v1", str(e1.getKeyValue().getValue()));
            assertEquals("v1", str(e2.getPrevKV().getValue()));
            assertEquals(WatchEvent.EventType.DELETE, e3.getEventType());
            assertEquals(first + 2, e3.getKeyValue().getModRevision());
            kv.put(bs("/jw/live"), bs("x")).get(5, TimeUnit.SECONDS);
            WatchEvent live = events.poll(5, TimeUnit.SECONDS);
            assertEquals("/jw/live", str(live.getKeyValue().getKey()));
        }
    }

    /** A catch-up over more history than one gRPC message may hold (4 MiB by default) arrives whole. */
    @Test
    void largeCatchUpIsSplitIntoReadableResponses() throws Exception {
        ByteSequence big = ByteSequence.from(new byte[200 * 1024]);
        long first = 0;
        for (int i = 0; i < 30; i++) {
            long rev = kv.put(bs("/jbig/" + i), big).get(5, TimeUnit.SECONDS).getHeader().getRevision();
            first = first == 0 ? rev : first;
        }
        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        try (Watch.Watcher w = client.getWatchClient().watch(bs("/jbig/"),
                WatchOption.builder().isPrefix(true).withRevision(first).build(),
                resp -> events.addAll(resp.getEvents()))) {
            for (int i = 0; i < 30; i++) {
                WatchEvent e = events.poll(10, TimeUnit.SECONDS);
                assertEquals("/jbig/" + i, str(e.getKeyValue().getKey()), "event " + i);
                assertEquals(200 * 1024, e.getKeyValue().getValue().size());
            }
        }
        kv.delete(bs("/jbig/"), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build())
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void leaseExpiryDeletesTheKey() throws Exception {
        long lease = client.getLeaseClient().grant(2).get(5, TimeUnit.SECONDS).getID();
        kv.put(bs("/jl/k"), bs("v"), PutOption.builder().withLeaseId(lease).build()).get(5, TimeUnit.SECONDS);
        BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        try (Watch.Watcher w = client.getWatchClient().watch(bs("/jl/k"), resp -> events.addAll(resp.getEvents()))) {
            WatchEvent e = events.poll(10, TimeUnit.SECONDS);
            assertEquals(WatchEvent.EventType.DELETE, e.getEventType());
        }
        assertEquals(0, kv.get(bs("/jl/k")).get(5, TimeUnit.SECONDS).getCount());
        assertEquals(-1, client.getLeaseClient().timeToLive(lease, io.etcd.jetcd.options.LeaseOption.DEFAULT)
                .get(5, TimeUnit.SECONDS).getTTL());
    }

    @Test
    void keepAliveHoldsTheLease() throws Exception {
        long lease = client.getLeaseClient().grant(2).get(5, TimeUnit.SECONDS).getID();
        kv.put(bs("/jk/k"), bs("v"), PutOption.builder().withLeaseId(lease).build()).get(5, TimeUnit.SECONDS);
        try (var ka = client.getLeaseClient().keepAlive(lease, new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(io.etcd.jetcd.lease.LeaseKeepAliveResponse value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        })) {
            Thread.sleep(3500);
            assertEquals(1, kv.get(bs("/jk/k")).get(5, TimeUnit.SECONDS).getCount());
        }
        client.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
        assertEquals(0, kv.get(bs("/jk/k")).get(5, TimeUnit.SECONDS).getCount());
    }
}
