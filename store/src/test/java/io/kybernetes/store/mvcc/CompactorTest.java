package io.kybernetes.store.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.protobuf.ByteString;

class CompactorTest {

    private final TempStore t = new TempStore();

    @AfterEach
    void cleanup() {
        t.close();
    }

    private void writes(int n) {
        for (int i = 0; i < n; i++) {
            t.store.write(txn -> txn.put(ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8("v"), 0)).join();
        }
    }

    @ParameterizedTest
    @CsvSource({"1, PT1H", "24, PT24H", "30m, PT30M", "90s, PT1M30S", "1h, PT1H"})
    void durations(String in, String want) {
        assertEquals(Duration.parse(want), Compactor.parseDuration(in));
    }

    @Test
    void disabledByDefault() {
        assertNull(Compactor.start(t.store, "periodic", "0"));
    }

    @Test
    void revisionModeKeepsTheLastRevisions() {
        writes(10);
        try (Compactor c = new Compactor(t.store, 3, 0, 3_600_000)) {
            c.tick();
            assertEquals(8, t.store.compactedRev()); // revision 11 (an empty store is at 1) minus 3
            c.tick(); // nothing new: no second compaction
            assertEquals(8, t.store.compactedRev());
        }
    }

    @Test
    void periodicModeCompactsToTheRevisionOnePeriodAgo() {
        try (Compactor c = new Compactor(t.store, 0, 1000, 3_600_000)) {
            writes(3);
            c.periodic(0);       // sample rev 4 at t=0
            writes(4);
            c.periodic(500);     // sample rev 8 at t=0.5s; nothing is a period old yet
            assertEquals(0, t.store.compactedRev());
            writes(1);
            c.periodic(1000);    // the t=0 sample is a period old
            assertEquals(4, t.store.compactedRev());
            c.periodic(1600);
            assertEquals(8, t.store.compactedRev());
        }
    }
}
