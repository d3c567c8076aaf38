package io.kybernetes.store.mvcc;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

/** Write throughput, sequential (one fsync each) and concurrent (group commit). Run with -Dbench=true. */
class MvccStoreBench {

    @Test
    void writes() {
        assumeTrue(Boolean.getBoolean("bench"), "benchmarks run with -Dbench=true");
        ByteString value = ByteString.copyFrom(new byte[1024]);
        try (TempStore t = new TempStore()) {
            int n = 2000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ByteString key = ByteString.copyFromUtf8("/registry/pods/default/p" + (i % 100));
                t.store.write(txn -> txn.put(key, value, 0)).join();
            }
            long seq = System.nanoTime() - t0;
            t0 = System.nanoTime();
            List<CompletableFuture<?>> fs = new ArrayList<>();
            for (int i = 0; i < n * 10; i++) {
                ByteString key = ByteString.copyFromUtf8("/registry/pods/default/p" + (i % 100));
                fs.add(t.store.write(txn -> txn.put(key, value, 0)));
            }
            fs.forEach(CompletableFuture::join);
            long par = System.nanoTime() - t0;
            System.out.printf("sequential: %d writes in %d ms (%.0f/s, %.3f ms each)%n", n, seq / 1_000_000,
                    n * 1e9 / seq, seq / 1e6 / n);
            System.out.printf("concurrent: %d writes in %d ms (%.0f/s)%n", n * 10, par / 1_000_000, n * 10 * 1e9 / par);
        }
    }
}
