package io.kybernetes.store.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import com.google.protobuf.InvalidProtocolBufferException;

import io.etcd.jetcd.api.KeyValue;

/**
 * {@link Backend} on RocksDB. Column families: {@code rev} (16-byte revision -> flag byte + mvccpb.KeyValue bytes;
 * flag 1 marks a tombstone), {@code lease} (8-byte id -> 8-byte TTL) and {@code meta} (name -> 8-byte value).
 * Every commit is one WriteBatch written with sync=true.
 */
public final class RocksBackend implements Backend {

    private static final Logger LOG = Logger.getLogger(RocksBackend.class);
    private static final byte PUT = 0;
    private static final byte TOMBSTONE = 1;

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle rev;
    private final ColumnFamilyHandle lease;
    private final ColumnFamilyHandle meta;
    private final WriteOptions syncWrite;

    public RocksBackend(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
            cfOptions = new ColumnFamilyOptions();
            List<ColumnFamilyDescriptor> cfs = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                    new ColumnFamilyDescriptor(bytes("rev"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("lease"), cfOptions),
                    new ColumnFamilyDescriptor(bytes("meta"), cfOptions));
            db = RocksDB.open(dbOptions, dir.toString(), cfs, handles);
            rev = handles.get(1);
            lease = handles.get(2);
            meta = handles.get(3);
            syncWrite = new WriteOptions().setSync(true);
            LOG.infof("opened RocksDB backend at %s", dir);
        } catch (RocksDBException | IOException e) {
            throw new BackendException("cannot open RocksDB at " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void commit(Batch batch) {
        if (batch.isEmpty()) {
            return;
        }
        try (WriteBatch wb = new WriteBatch()) {
            for (RevisionRecord r : batch.records) {
                byte[] kv = r.kv().toByteArray();
                byte[] value = new byte[kv.length + 1];
                value[0] = r.tombstone() ? TOMBSTONE : PUT;
                System.arraycopy(kv, 0, value, 1, kv.length);
                wb.put(rev, r.revision().toBytes(), value);
            }
            for (Revision r : batch.removedRevisions) {
                wb.delete(rev, r.toBytes());
            }
            for (Map.Entry<Long, Long> e : batch.leasePuts.entrySet()) {
                wb.put(lease, longBytes(e.getKey()), longBytes(e.getValue()));
            }
            for (Long id : batch.leaseDeletes) {
                wb.delete(lease, longBytes(id));
            }
            for (Map.Entry<String, Long> e : batch.meta.entrySet()) {
                wb.put(meta, bytes(e.getKey()), longBytes(e.getValue()));
            }
            db.write(syncWrite, wb);
        } catch (RocksDBException e) {
            throw new BackendException("RocksDB write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RevisionRecord> get(Revision revision) {
        try {
            byte[] v = db.get(rev, revision.toBytes());
            return v == null ? Optional.empty() : Optional.of(decode(revision, v));
        } catch (RocksDBException e) {
            throw new BackendException("RocksDB read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void scan(long fromMain, long toMain, Predicate<RevisionRecord> visitor) {
        try (Slice upper = new Slice(new Revision(toMain + 1, 0).toBytes());
                ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
                RocksIterator it = db.newIterator(rev, ro)) {
            for (it.seek(new Revision(fromMain, 0).toBytes()); it.isValid(); it.next()) {
                if (!visitor.test(decode(Revision.fromBytes(it.key()), it.value()))) {
                    return;
                }
            }
        }
    }

    @Override
    public Map<Long, Long> leases() {
        Map<Long, Long> out = new LinkedHashMap<>();
        try (RocksIterator it = db.newIterator(lease)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.put(ByteBuffer.wrap(it.key()).getLong(), ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return out;
    }

    @Override
    public OptionalLong meta(String key) {
        try {
            byte[] v = db.get(meta, bytes(key));
            return v == null ? OptionalLong.empty() : OptionalLong.of(ByteBuffer.wrap(v).getLong());
        } catch (RocksDBException e) {
            throw new BackendException("RocksDB read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long sizeBytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            LOG.warnf("syncing the WAL on close failed: %s", e.getMessage());
        }
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        syncWrite.close();
        dbOptions.close();
        cfOptions.close();
        LOG.infof("closed RocksDB backend at %s", dir);
    }

    private static RevisionRecord decode(Revision revision, byte[] value) {
        try {
            KeyValue kv = KeyValue.parseFrom(ByteBuffer.wrap(value, 1, value.length - 1));
            return new RevisionRecord(revision, kv, value[0] == TOMBSTONE);
        } catch (InvalidProtocolBufferException e) {
            throw new BackendException("corrupt history entry at revision " + revision, e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }
}
