package io.kybernetes.store.mvcc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.kybernetes.store.backend.Backend;
import io.kybernetes.store.backend.Batch;
import io.kybernetes.store.backend.Revision;
import io.kybernetes.store.backend.RevisionRecord;

/**
 * Multi-version key-value store: every write transaction that changes something gets the next main revision, each
 * key keeps create_revision, mod_revision and version. Reads go through the in-memory {@link TreeIndex} and fetch
 * older values from the {@link Backend}.
 *
 * <p>Writes are serialized on one writer thread that drains the queue into a single backend batch (group commit:
 * concurrent writers share one fsync). A write is acknowledged, and becomes visible to readers and watchers, only
 * after that batch is durable: readers read at the published revision, and the index is multi-version, so changes
 * not yet published are invisible to them.
 */
public final class MvccStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MvccStore.class);
    static final String META_CURRENT = "current";
    static final String META_COMPACTED = "compacted";

    /** Most write transactions folded into one backend commit. Tunable for tests. */
    static int maxGroup = 256;

    private final Backend backend;
    private final TreeIndex index = new TreeIndex();
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Object publishLock = new Object();
    private final Thread writer;
    private volatile LeaseAttachments leases = LeaseAttachments.NONE;
    private volatile CommitListener listener = (rev, events) -> { };
    private volatile long committedRev;
    private volatile long compactedRev;
    private volatile boolean running = true;
    private volatile Throwable fatal;
    private long currentRev;

    private static final class Pending<T> {
        final Function<WriteTxn, T> fn;
        final CompletableFuture<Written<T>> future = new CompletableFuture<>();
        T value;
        long rev;
        RuntimeException error;

        Pending(Function<WriteTxn, T> fn) {
            this.fn = fn;
        }

        void run(WriteTxn txn) {
            value = fn.apply(txn);
        }

        void complete() {
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                future.complete(new Written<>(value, rev));
            }
        }
    }

    public MvccStore(Backend backend) {
        this.backend = backend;
        long t0 = System.nanoTime();
        long[] maxRev = {0};
        long[] entries = {0};
        index.setLoader(r -> backend.get(r).map(RevisionRecord::kv).orElse(null));
        backend.scan(0, Long.MAX_VALUE - 1, rec -> {
            if (rec.tombstone()) {
                index.tombstone(rec.kv().getKey(), rec.revision());
            } else {
                index.put(rec.kv(), rec.revision());
                index.trim(List.of(rec.kv().getKey()));
            }
            maxRev[0] = Math.max(maxRev[0], rec.revision().main());
            entries[0]++;
            return true;
        });
        // as in etcd, an empty store is at revision 1, so the first write gets revision 2
        currentRev = Math.max(Math.max(maxRev[0], backend.meta(META_CURRENT).orElse(0)), 1);
        compactedRev = backend.meta(META_COMPACTED).orElse(0);
        committedRev = currentRev;
        LOG.infof("restored %d history entries, %d keys, revision %d, compacted %d in %d ms", entries[0],
                index.size(), currentRev, compactedRev, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        writer = new Thread(this::writeLoop, "store-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Connects the lessor; replays the lease of every live key into it. Call before serving. */
    public void attachLeases(LeaseAttachments attachments) {
        this.leases = attachments;
        for (KeyValue kv : index.latestMetadata(new KeyRange(ByteString.EMPTY, ByteString.EMPTY))) {
            if (kv.getLease() != 0) {
                attachments.attach(kv.getLease(), kv.getKey());
            }
        }
    }

    public void setListener(CommitListener listener) {
        this.listener = listener;
    }

    /** False once the writer has stopped (shutdown, or a storage fault that makes further writes unsafe). */
    public boolean healthy() {
        return running && fatal == null && writer.isAlive();
    }

    /** Number of keys with any history (live or not yet compacted away). */
    public int keyCount() {
        return index.size();
    }

    /** The revision readers see: the newest durable one. */
    public long rev() {
        return committedRev;
    }

    public long compactedRev() {
        return compactedRev;
    }

    /** Lock under which the committed revision advances and the listener runs. */
    public Object publishLock() {
        return publishLock;
    }

    public Backend backend() {
        return backend;
    }

    TreeIndex index() {
        return index;
    }

    LeaseAttachments leases() {
        return leases;
    }

    /** Reads {@code range} at {@code atRev} ({@code <= 0}: current); {@code limit <= 0}: all. */
    public RangeResult range(KeyRange range, long atRev, long limit) {
        return range(range, atRev, limit, false);
    }

    /** As {@link #range(KeyRange, long, long)}; {@code keysOnly} drops each value as soon as it is read. */
    public RangeResult range(KeyRange range, long atRev, long limit, boolean keysOnly) {
        long cur = committedRev;
        long r = atRev <= 0 ? cur : atRev;
        if (r > cur) {
            throw EtcdException.futureRev();
        }
        if (r < compactedRev) {
            throw EtcdException.compacted();
        }
        return scan(range, r, limit, cur, keysOnly);
    }

    RangeResult scan(KeyRange range, long atRev, long limit, long headerRev) {
        return scan(range, atRev, limit, headerRev, false);
    }

    private RangeResult scan(KeyRange range, long atRev, long limit, long headerRev, boolean keysOnly) {
        TreeIndex.Scan scan = index.range(range, atRev, limit);
        List<KeyValue> kvs = new ArrayList<>(scan.hits().size());
        for (TreeIndex.Hit h : scan.hits()) {
            KeyValue kv = resolve(h);
            if (kv != null) {
                kvs.add(keysOnly && !kv.getValue().isEmpty() ? kv.toBuilder().clearValue().build() : kv);
            }
        }
        return new RangeResult(kvs, scan.count(), headerRev);
    }

    /** The value of {@code key} just before revision {@code rev}, or null (watch prev_kv during catch-up). */
    public KeyValue valueBefore(ByteString key, long rev) {
        TreeIndex.Hit h = index.before(key, rev);
        return h == null ? null : resolve(h);
    }

    private KeyValue resolve(TreeIndex.Hit h) {
        if (h.cached() != null) {
            return h.cached();
        }
        Optional<RevisionRecord> rec = backend.get(h.revision());
        // Missing only if compaction removed it concurrently: the key is then skipped as etcd would.
        return rec.map(RevisionRecord::kv).orElse(null);
    }

    /** Visits history (committed revisions {@code from..to}) in order; used for watch catch-up. */
    public void history(long from, long to, java.util.function.Predicate<RevisionRecord> visitor) {
        backend.scan(from, Math.min(to, committedRev), visitor);
    }

    /**
     * Runs {@code fn} as one write transaction on the writer thread; completes once it is durable. If {@code fn}
     * throws, nothing is written and the future fails with that exception.
     */
    public <T> CompletableFuture<Written<T>> write(Function<WriteTxn, T> fn) {
        Pending<T> p = new Pending<>(fn);
        if (!running || fatal != null) {
            p.future.completeExceptionally(EtcdException.stopped());
            return p.future;
        }
        queue.add(p);
        return p.future;
    }

    /** Compacts history up to {@code rev}: older values are dropped, each key's value at {@code rev} is kept. */
    public CompletableFuture<Written<Long>> compact(long rev) {
        return write(txn -> {
            if (rev <= compactedRev) {
                throw EtcdException.compacted();
            }
            if (rev > txn.readRev()) {
                throw EtcdException.futureRev();
            }
            List<Revision> dropped = index.compact(rev);
            for (Revision r : dropped) {
                txn.batch().remove(r);
            }
            txn.batch().meta(META_COMPACTED, rev);
            compactedRev = rev;
            LOG.infof("compacted at revision %d: dropped %d history entries", rev, dropped.size());
            return rev;
        });
    }

    private void writeLoop() {
        List<Pending<?>> group = new ArrayList<>();
        while (running) {
            try {
                Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
                commitGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable t) {
                fatal = t;
                if (t instanceof VirtualMachineError) {
                    // out of memory (or worse): exit so a supervisor restarts the store; what was acknowledged is
                    // durable, the group in flight was not acknowledged
                    LOG.fatal("store writer failed; exiting", t);
                    Runtime.getRuntime().halt(70);
                }
                LOG.fatal("store writer failed; no further writes are accepted", t);
                for (Pending<?> p : group) {
                    p.future.completeExceptionally(EtcdException.stopped());
                }
                break;
            } finally {
                group.clear();
            }
        }
        Pending<?> p;
        while ((p = queue.poll()) != null) {
            p.future.completeExceptionally(EtcdException.stopped());
        }
    }

    private void commitGroup(List<Pending<?>> group) {
        Batch batch = new Batch();
        List<Event> events = new ArrayList<>();
        long before = currentRev;
        for (Pending<?> p : group) {
            WriteTxn txn = new WriteTxn(this, currentRev + 1, batch);
            try {
                p.run(txn);
            } catch (EtcdException e) {
                if (txn.changed()) {
                    throw new IllegalStateException("write transaction failed after changing the store", e);
                }
                p.error = e;
                continue;
            } catch (RuntimeException e) {
                if (txn.changed()) {
                    throw new IllegalStateException("write transaction failed after changing the store", e);
                }
                LOG.error("write transaction failed", e);
                p.error = e;
                continue;
            }
            if (txn.changed()) {
                currentRev++;
                events.addAll(txn.events());
            }
            p.rev = currentRev;
        }
        if (currentRev != before) {
            batch.meta(META_CURRENT, currentRev);
        }
        backend.commit(batch);
        if (!events.isEmpty()) {
            List<ByteString> written = new ArrayList<>(events.size());
            for (Event e : events) {
                if (e.getType() == Event.EventType.PUT) {
                    written.add(e.getKv().getKey());
                }
            }
            index.trim(written); // durable now: over the value budget, the heap keeps only their metadata
        }
        synchronized (publishLock) {
            committedRev = currentRev;
            if (!events.isEmpty()) {
                try {
                    listener.committed(currentRev, events);
                } catch (RuntimeException e) {
                    LOG.error("commit listener failed", e);
                }
            }
        }
        for (Pending<?> p : group) {
            p.complete();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
