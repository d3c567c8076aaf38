package io.kybernetes.store.mvcc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.kybernetes.store.backend.RocksBackend;

/** A store on RocksDB in a scratch directory, for tests; reopen() simulates a restart. */
public final class TempStore implements AutoCloseable {

    public final Path dir;
    public RocksBackend backend;
    public MvccStore store;

    public TempStore() {
        try {
            dir = Files.createTempDirectory("store-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        open();
    }

    private void open() {
        backend = new RocksBackend(dir.resolve("db"));
        store = new MvccStore(backend);
    }

    /** From now on committed values leave the heap at once (a value budget of 0 bytes). */
    public void keepNoValuesOnHeap() {
        store.index().setValueBudget(0);
    }

    public void reopen() {
        store.close();
        backend.close();
        open();
    }

    @Override
    public void close() {
        store.close();
        backend.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
