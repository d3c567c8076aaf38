package io.kybernetes.store.apply;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.kybernetes.store.lease.Lessor;
import io.kybernetes.store.mvcc.EtcdException;
import io.kybernetes.store.mvcc.KeyRange;
import io.kybernetes.store.mvcc.MvccStore;
import io.kybernetes.store.mvcc.RangeResult;
import io.kybernetes.store.mvcc.WriteTxn;
import io.kybernetes.store.mvcc.Written;

/**
 * The etcd KV request semantics (Range options, Put flags, DeleteRange, Txn compares and branches) on top of the
 * MVCC store, with the response headers etcd sets (also on the responses nested in a Txn).
 */
public final class Applier {

    /** Most operations in one Txn, as etcd's default --max-txn-ops. */
    static final int MAX_TXN_OPS = 128;
    /** Largest request accepted, as etcd's default --max-request-bytes (1.5 MiB). */
    public static final int MAX_REQUEST_BYTES = 1536 * 1024;

    /** Compare target LEASE (etcd 3.3+), absent from the bundled proto's enum. */
    private static final int TARGET_LEASE = 4;
    private static final int FIELD_COMPARE_LEASE = 8;

    private final MvccStore store;
    private final Lessor lessor;
    private final LongFunction<ResponseHeader> header;

    /** {@code header} makes the response header for a store revision. */
    public Applier(MvccStore store, Lessor lessor, LongFunction<ResponseHeader> header) {
        this.store = store;
        this.lessor = lessor;
        this.header = header;
    }

    public RangeResponse range(RangeRequest r) {
        checkKey(r.getKey());
        RangeResult rr = store.range(KeyRange.of(r.getKey(), r.getRangeEnd()), r.getRevision(), scanLimit(r),
                r.getKeysOnly() && r.getSortTarget() != RangeRequest.SortTarget.VALUE);
        return shapeRange(r, rr).setHeader(header.apply(rr.rev())).build();
    }

    public CompletableFuture<Written<PutResponse>> put(PutRequest r) {
        checkKey(r.getKey());
        checkSize(r.getSerializedSize());
        return store.write(txn -> {
            checkPut(txn, r);
            return doPut(txn, r);
        });
    }

    public CompletableFuture<Written<DeleteRangeResponse>> deleteRange(DeleteRangeRequest r) {
        checkKey(r.getKey());
        return store.write(txn -> doDelete(txn, r));
    }

    public CompletableFuture<Written<TxnResponse>> txn(TxnRequest r) {
        checkSize(r.getSerializedSize());
        checkTxn(r);
        return store.write(txn -> doTxn(txn, r, evaluate(txn, r), true));
    }

    // ---- Range ----

    private static long scanLimit(RangeRequest r) {
        boolean filtered = r.getMinModRevision() != 0 || r.getMaxModRevision() != 0
                || r.getMinCreateRevision() != 0 || r.getMaxCreateRevision() != 0;
        boolean sorted = r.getSortOrder() != RangeRequest.SortOrder.NONE
                || r.getSortTarget() != RangeRequest.SortTarget.KEY;
        if (r.getCountOnly()) {
            return 1;
        }
        if (r.getLimit() <= 0 || filtered || sorted) {
            return 0;
        }
        return r.getLimit() + 1;
    }

    private static RangeResponse.Builder shapeRange(RangeRequest r, RangeResult rr) {
        RangeResponse.Builder out = RangeResponse.newBuilder().setCount(rr.count());
        if (r.getCountOnly()) {
            return out;
        }
        List<KeyValue> kvs = new ArrayList<>(rr.kvs());
        kvs.removeIf(kv -> (r.getMinModRevision() != 0 && kv.getModRevision() < r.getMinModRevision())
                || (r.getMaxModRevision() != 0 && kv.getModRevision() > r.getMaxModRevision())
                || (r.getMinCreateRevision() != 0 && kv.getCreateRevision() < r.getMinCreateRevision())
                || (r.getMaxCreateRevision() != 0 && kv.getCreateRevision() > r.getMaxCreateRevision()));
        RangeRequest.SortOrder order = r.getSortOrder();
        if (order == RangeRequest.SortOrder.NONE && r.getSortTarget() != RangeRequest.SortTarget.KEY) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order != RangeRequest.SortOrder.NONE) {
            Comparator<KeyValue> c = comparator(r.getSortTarget());
            kvs.sort(order == RangeRequest.SortOrder.DESCEND ? c.reversed() : c);
        }
        if (r.getLimit() > 0 && kvs.size() > r.getLimit()) {
            kvs = kvs.subList(0, (int) r.getLimit());
            out.setMore(true);
        }
        for (KeyValue kv : kvs) {
            out.addKvs(r.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
        }
        return out;
    }

    private static Comparator<KeyValue> comparator(RangeRequest.SortTarget t) {
        switch (t) {
            case VERSION: return Comparator.comparingLong(KeyValue::getVersion);
            case CREATE: return Comparator.comparingLong(KeyValue::getCreateRevision);
            case MOD: return Comparator.comparingLong(KeyValue::getModRevision);
            case VALUE: return Comparator.comparing(KeyValue::getValue, KeyRange.ORDER);
            default: return Comparator.comparing(KeyValue::getKey, KeyRange.ORDER);
        }
    }

    private RangeResponse txnRange(WriteTxn txn, RangeRequest r) {
        RangeResult rr = txn.range(KeyRange.of(r.getKey(), r.getRangeEnd()), r.getRevision(), scanLimit(r));
        return shapeRange(r, rr).setHeader(header.apply(rr.rev())).build();
    }

    // ---- Put / DeleteRange ----

    private void checkPut(WriteTxn txn, PutRequest r) {
        if (r.getIgnoreValue() && !r.getValue().isEmpty()) {
            throw EtcdException.valueProvided();
        }
        if (r.getIgnoreLease() && r.getLease() != 0) {
            throw EtcdException.leaseProvided();
        }
        if ((r.getIgnoreValue() || r.getIgnoreLease()) && txn.latest(r.getKey()) == null) {
            throw EtcdException.keyNotFound();
        }
        if (r.getLease() != 0 && !lessor.exists(r.getLease())) {
            throw EtcdException.leaseNotFound();
        }
    }

    private PutResponse doPut(WriteTxn txn, PutRequest r) {
        ByteString value = r.getValue();
        long lease = r.getLease();
        if (r.getIgnoreValue() || r.getIgnoreLease()) {
            KeyValue cur = txn.latest(r.getKey());
            if (r.getIgnoreValue()) {
                value = cur.getValue();
            }
            if (r.getIgnoreLease()) {
                lease = cur.getLease();
            }
        }
        KeyValue prev = txn.put(r.getKey(), value, lease);
        PutResponse.Builder out = PutResponse.newBuilder().setHeader(header.apply(txn.readRev()));
        if (r.getPrevKv() && prev != null) {
            out.setPrevKv(prev);
        }
        return out.build();
    }

    private DeleteRangeResponse doDelete(WriteTxn txn, DeleteRangeRequest r) {
        List<KeyValue> deleted = txn.delete(KeyRange.of(r.getKey(), r.getRangeEnd()), r.getPrevKv());
        DeleteRangeResponse.Builder out = DeleteRangeResponse.newBuilder().setDeleted(deleted.size())
                .setHeader(header.apply(txn.readRev()));
        if (r.getPrevKv()) {
            out.addAllPrevKvs(deleted);
        }
        return out.build();
    }

    // ---- Txn ----

    /** Request validation that needs no store state: keys present, op count, no put/put or put/delete overlap. */
    static void checkTxn(TxnRequest r) {
        if (r.getCompareCount() > MAX_TXN_OPS || r.getSuccessCount() > MAX_TXN_OPS
                || r.getFailureCount() > MAX_TXN_OPS) {
            throw EtcdException.tooManyOps();
        }
        for (Compare c : r.getCompareList()) {
            checkKey(c.getKey());
        }
        for (List<RequestOp> ops : List.of(r.getSuccessList(), r.getFailureList())) {
            for (RequestOp op : ops) {
                switch (op.getRequestCase()) {
                    case REQUEST_RANGE -> checkKey(op.getRequestRange().getKey());
                    case REQUEST_PUT -> checkKey(op.getRequestPut().getKey());
                    case REQUEST_DELETE_RANGE -> checkKey(op.getRequestDeleteRange().getKey());
                    case REQUEST_TXN -> checkTxn(op.getRequestTxn());
                    default -> { }
                }
            }
            checkOverlaps(ops, new ArrayList<>(), new ArrayList<>());
        }
    }

    /** Collects the puts and deletes of a branch (with nested txns); fails on a key written twice. */
    private static void checkOverlaps(List<RequestOp> ops, List<ByteString> puts, List<KeyRange> deletes) {
        for (RequestOp op : ops) {
            switch (op.getRequestCase()) {
                case REQUEST_PUT -> {
                    ByteString k = op.getRequestPut().getKey();
                    if (puts.contains(k)) {
                        throw EtcdException.duplicateKey();
                    }
                    puts.add(k);
                }
                case REQUEST_DELETE_RANGE -> deletes.add(
                        KeyRange.of(op.getRequestDeleteRange().getKey(), op.getRequestDeleteRange().getRangeEnd()));
                case REQUEST_TXN -> {
                    // each nested branch is checked against what the enclosing branch writes
                    for (List<RequestOp> branch : List.of(op.getRequestTxn().getSuccessList(),
                            op.getRequestTxn().getFailureList())) {
                        checkOverlaps(branch, new ArrayList<>(puts), new ArrayList<>(deletes));
                    }
                }
                default -> { }
            }
        }
        for (KeyRange d : deletes) {
            for (ByteString k : puts) {
                if (d.contains(k)) {
                    throw EtcdException.duplicateKey();
                }
            }
        }
    }

    /** The path through the (nested) txn, decided on the state before it runs, as etcd does. */
    private record Path(boolean succeeded, List<Path> nested) {
    }

    private Path evaluate(WriteTxn txn, TxnRequest r) {
        boolean ok = true;
        for (Compare c : r.getCompareList()) {
            if (!compare(txn, c)) {
                ok = false;
                break;
            }
        }
        List<Path> nested = new ArrayList<>();
        for (RequestOp op : ok ? r.getSuccessList() : r.getFailureList()) {
            if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_TXN) {
                nested.add(evaluate(txn, op.getRequestTxn()));
            } else if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_PUT) {
                checkPut(txn, op.getRequestPut());
            } else if (op.getRequestCase() == RequestOp.RequestCase.REQUEST_RANGE) {
                long rev = op.getRequestRange().getRevision();
                if (rev > txn.readRev()) {
                    throw EtcdException.futureRev();
                }
                if (rev > 0 && rev < store.compactedRev()) {
                    throw EtcdException.compacted();
                }
            }
        }
        return new Path(ok, nested);
    }

    private static boolean compare(WriteTxn txn, Compare c) {
        List<KeyValue> kvs = c.getRangeEnd().isEmpty()
                ? single(txn.latest(c.getKey()))
                : txn.latest(KeyRange.of(c.getKey(), c.getRangeEnd()), c.getTarget() == Compare.CompareTarget.VALUE);
        if (kvs.isEmpty()) {
            if (c.getTarget() == Compare.CompareTarget.VALUE) {
                return false; // a missing key has no value to compare, as in etcd
            }
            return compareOne(c, KeyValue.getDefaultInstance());
        }
        for (KeyValue kv : kvs) {
            if (!compareOne(c, kv)) {
                return false;
            }
        }
        return true;
    }

    private static List<KeyValue> single(KeyValue kv) {
        return kv == null ? List.of() : List.of(kv);
    }

    private static boolean compareOne(Compare c, KeyValue kv) {
        int cmp;
        switch (c.getTargetValue()) {
            case Compare.CompareTarget.VERSION_VALUE -> cmp = Long.compare(kv.getVersion(), c.getVersion());
            case Compare.CompareTarget.CREATE_VALUE -> cmp = Long.compare(kv.getCreateRevision(), c.getCreateRevision());
            case Compare.CompareTarget.MOD_VALUE -> cmp = Long.compare(kv.getModRevision(), c.getModRevision());
            case Compare.CompareTarget.VALUE_VALUE -> cmp = KeyRange.ORDER.compare(kv.getValue(), c.getValue());
            case TARGET_LEASE -> cmp = Long.compare(kv.getLease(), compareLease(c));
            default -> {
                return false;
            }
        }
        switch (c.getResultValue()) {
            case Compare.CompareResult.EQUAL_VALUE: return cmp == 0;
            case Compare.CompareResult.GREATER_VALUE: return cmp > 0;
            case Compare.CompareResult.LESS_VALUE: return cmp < 0;
            case Compare.CompareResult.NOT_EQUAL_VALUE: return cmp != 0;
            default: return false;
        }
    }

    /** target_union field 8 (lease) is unknown to the bundled proto: read it from the unknown fields. */
    private static long compareLease(Compare c) {
        var f = c.getUnknownFields().getField(FIELD_COMPARE_LEASE);
        return f == null || f.getVarintList().isEmpty() ? 0 : f.getVarintList().get(0);
    }

    private TxnResponse doTxn(WriteTxn txn, TxnRequest r, Path path, boolean top) {
        TxnResponse.Builder out = TxnResponse.newBuilder().setSucceeded(path.succeeded());
        int nested = 0;
        for (RequestOp op : path.succeeded() ? r.getSuccessList() : r.getFailureList()) {
            ResponseOp.Builder res = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> res.setResponseRange(txnRange(txn, op.getRequestRange()));
                case REQUEST_PUT -> res.setResponsePut(doPut(txn, op.getRequestPut()));
                case REQUEST_DELETE_RANGE -> res.setResponseDeleteRange(doDelete(txn, op.getRequestDeleteRange()));
                case REQUEST_TXN -> res.setResponseTxn(doTxn(txn, op.getRequestTxn(), path.nested().get(nested++), false));
                default -> { }
            }
            out.addResponses(res);
        }
        // etcd fills in only the outer header: a nested txn's response has an empty one
        return out.setHeader(top ? header.apply(txn.readRev()) : ResponseHeader.getDefaultInstance()).build();
    }

    // ---- validation ----

    static void checkKey(ByteString key) {
        if (key.isEmpty()) {
            throw EtcdException.keyNotProvided();
        }
    }

    static void checkSize(int size) {
        if (size > MAX_REQUEST_BYTES) {
            throw EtcdException.requestTooLarge();
        }
    }
}
