package io.kybernetes.store.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Status;
import io.kybernetes.store.lease.Lessor;
import io.kybernetes.store.mvcc.EtcdException;
import io.kybernetes.store.mvcc.TempStore;

class ApplierTest {

    private TempStore t;
    private Lessor lessor;
    private Applier applier;

    @BeforeEach
    void setUp() {
        t = new TempStore();
        lessor = new Lessor(t.store);
        applier = new Applier(t.store, lessor, rev -> ResponseHeader.newBuilder().setRevision(rev).build());
        // an empty store is at revision 1. "k": created at 2, modified at 3, version 2, value "v2"; "other": 4
        put("k", "v1");
        put("k", "v2");
        put("other", "o");
    }

    @AfterEach
    void tearDown() {
        lessor.close();
        t.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private long put(String k, String v) {
        return applier.put(PutRequest.newBuilder().setKey(b(k)).setValue(b(v)).build()).join().rev();
    }

    private static Compare.Builder cmp(String key, Compare.CompareResult result) {
        return Compare.newBuilder().setKey(b(key)).setResult(result);
    }

    static Stream<Arguments> compares() {
        var EQ = Compare.CompareResult.EQUAL;
        var GT = Compare.CompareResult.GREATER;
        var LT = Compare.CompareResult.LESS;
        var NE = Compare.CompareResult.NOT_EQUAL;
        var VERSION = Compare.CompareTarget.VERSION;
        var CREATE = Compare.CompareTarget.CREATE;
        var MOD = Compare.CompareTarget.MOD;
        var VALUE = Compare.CompareTarget.VALUE;
        return Stream.of(
                Arguments.of("version = 2", cmp("k", EQ).setTarget(VERSION).setVersion(2), true),
                Arguments.of("version > 1", cmp("k", GT).setTarget(VERSION).setVersion(1), true),
                Arguments.of("version < 2", cmp("k", LT).setTarget(VERSION).setVersion(2), false),
                Arguments.of("version != 2", cmp("k", NE).setTarget(VERSION).setVersion(2), false),
                Arguments.of("missing version = 0", cmp("nope", EQ).setTarget(VERSION).setVersion(0), true),
                Arguments.of("create = 2", cmp("k", EQ).setTarget(CREATE).setCreateRevision(2), true),
                Arguments.of("create > 2", cmp("k", GT).setTarget(CREATE).setCreateRevision(2), false),
                Arguments.of("missing create = 0", cmp("nope", EQ).setTarget(CREATE).setCreateRevision(0), true),
                Arguments.of("mod = 3", cmp("k", EQ).setTarget(MOD).setModRevision(3), true),
                Arguments.of("mod < 4", cmp("k", LT).setTarget(MOD).setModRevision(4), true),
                Arguments.of("mod != 3", cmp("k", NE).setTarget(MOD).setModRevision(3), false),
                Arguments.of("value = v2", cmp("k", EQ).setTarget(VALUE).setValue(b("v2")), true),
                Arguments.of("value > v1", cmp("k", GT).setTarget(VALUE).setValue(b("v1")), true),
                Arguments.of("value < v1", cmp("k", LT).setTarget(VALUE).setValue(b("v1")), false),
                Arguments.of("value != v2", cmp("k", NE).setTarget(VALUE).setValue(b("v2")), false),
                Arguments.of("missing value != x fails", cmp("nope", NE).setTarget(VALUE).setValue(b("x")), false),
                Arguments.of("range: all versions > 0",
                        cmp("k", GT).setTarget(VERSION).setVersion(0).setRangeEnd(b("z")), true),
                Arguments.of("range: all versions = 2",
                        cmp("k", EQ).setTarget(VERSION).setVersion(2).setRangeEnd(b("z")), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compares")
    void compare(String name, Compare.Builder compare, boolean want) {
        TxnRequest req = TxnRequest.newBuilder()
                .addCompare(compare)
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("s")).setValue(b("1"))))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b("k"))))
                .build();
        TxnResponse resp = applier.txn(req).join().value();
        assertEquals(want, resp.getSucceeded());
        assertEquals(want ? 5 : 4, resp.getHeader().getRevision());
        if (!want) {
            assertEquals("v2", resp.getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8());
        }
    }

    @Test
    void txnIsOneRevisionAndReadsItsOwnWrites() {
        TxnRequest req = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("x")).setValue(b("1"))))
                .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("other"))))
                .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b("x"))))
                .build();
        TxnResponse resp = applier.txn(req).join().value();
        assertTrue(resp.getSucceeded());
        assertEquals(5, resp.getHeader().getRevision());
        assertEquals(1, resp.getResponses(1).getResponseDeleteRange().getDeleted());
        assertEquals(5, resp.getResponses(2).getResponseRange().getKvs(0).getModRevision());
        assertEquals(5, t.store.rev());
    }

    static Stream<Arguments> badTxns() {
        RequestOp putA = RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("a"))).build();
        RequestOp delAll = RequestOp.newBuilder()
                .setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(b("a")).setRangeEnd(b("b"))).build();
        RequestOp noKey = RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()).build();
        return Stream.of(
                Arguments.of("put twice", TxnRequest.newBuilder().addSuccess(putA).addSuccess(putA).build(),
                        "etcdserver: duplicate key given in txn request"),
                Arguments.of("put and delete", TxnRequest.newBuilder().addFailure(putA).addFailure(delAll).build(),
                        "etcdserver: duplicate key given in txn request"),
                Arguments.of("nested put twice", TxnRequest.newBuilder().addSuccess(putA)
                        .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder().addSuccess(putA)))
                        .build(), "etcdserver: duplicate key given in txn request"),
                Arguments.of("empty key", TxnRequest.newBuilder().addSuccess(noKey).build(),
                        "etcdserver: key is not provided"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTxns")
    void badTxn(String name, TxnRequest req, String message) {
        EtcdException e = assertThrows(EtcdException.class, () -> applier.txn(req));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertEquals(message, e.getMessage());
        assertEquals(4, t.store.rev());
    }

    @Test
    void putWithUnknownLeaseFailsWithoutWriting() {
        CompletionException e = assertThrows(CompletionException.class, () -> applier.put(
                PutRequest.newBuilder().setKey(b("l")).setValue(b("v")).setLease(12345).build()).join());
        EtcdException cause = (EtcdException) e.getCause();
        assertEquals(Status.Code.NOT_FOUND, cause.code());
        assertEquals("etcdserver: requested lease not found", cause.getMessage());
        assertEquals(4, t.store.rev());
    }

    @Test
    void rangeOptions() {
        put("p/1", "c");
        put("p/2", "a");
        put("p/3", "b");
        RangeRequest.Builder prefix = RangeRequest.newBuilder().setKey(b("p/")).setRangeEnd(b("p0"));
        RangeResponse limited = applier.range(prefix.clone().setLimit(2).build());
        assertEquals(3, limited.getCount());
        assertTrue(limited.getMore());
        assertEquals(2, limited.getKvsCount());
        RangeResponse all = applier.range(prefix.clone().setLimit(3).build());
        assertFalse(all.getMore());
        RangeResponse byValue = applier.range(prefix.clone().setSortTarget(RangeRequest.SortTarget.VALUE)
                .setSortOrder(RangeRequest.SortOrder.DESCEND).build());
        assertEquals(List.of("c", "b", "a"), byValue.getKvsList().stream().map(kv -> kv.getValue().toStringUtf8()).toList());
        RangeResponse countOnly = applier.range(prefix.clone().setCountOnly(true).build());
        assertEquals(3, countOnly.getCount());
        assertEquals(0, countOnly.getKvsCount());
        RangeResponse keysOnly = applier.range(prefix.clone().setKeysOnly(true).build());
        assertTrue(keysOnly.getKvs(0).getValue().isEmpty());
        RangeResponse fromKey = applier.range(RangeRequest.newBuilder().setKey(b("other"))
                .setRangeEnd(ByteString.copyFrom(new byte[] {0})).build());
        assertEquals(4, fromKey.getCount());
        RangeResponse minMod = applier.range(prefix.clone().setMinModRevision(7).build());
        assertEquals(1, minMod.getKvsCount());
        EtcdException noKey = assertThrows(EtcdException.class, () -> applier.range(RangeRequest.newBuilder().build()));
        assertEquals("etcdserver: key is not provided", noKey.getMessage());
    }

    @Test
    void putFlags() {
        var prev = applier.put(PutRequest.newBuilder().setKey(b("k")).setValue(b("v3")).setPrevKv(true).build())
                .join().value();
        assertEquals("v2", prev.getPrevKv().getValue().toStringUtf8());
        applier.put(PutRequest.newBuilder().setKey(b("k")).setIgnoreValue(true).build()).join();
        RangeResponse r = applier.range(RangeRequest.newBuilder().setKey(b("k")).build());
        assertEquals("v3", r.getKvs(0).getValue().toStringUtf8());
        assertEquals(4, r.getKvs(0).getVersion());
        CompletionException e = assertThrows(CompletionException.class, () -> applier.put(
                PutRequest.newBuilder().setKey(b("missing")).setIgnoreValue(true).build()).join());
        assertEquals("etcdserver: key not found", e.getCause().getMessage());
    }

    @Test
    void requestTooLarge() {
        ByteString big = ByteString.copyFrom(new byte[Applier.MAX_REQUEST_BYTES]);
        EtcdException e = assertThrows(EtcdException.class,
                () -> applier.put(PutRequest.newBuilder().setKey(b("big")).setValue(big).build()));
        assertEquals("etcdserver: request is too large", e.getMessage());
    }
}
