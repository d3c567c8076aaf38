package io.kybernetes.proxy.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyncStatusTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @ParameterizedTest(name = "synced at {0}s, asked at {1}s: healthy={2}")
    @CsvSource({
            "-1, 10, true",   // never synced, but just started
            "-1, 61, false",  // never synced for more than 2 periods
            "5, 60, true",
            "5, 66, false",
            "100, 120, true",
    })
    void healthyWhileRecent(int syncedAt, int askedAt, boolean healthy) {
        MovableClock clock = new MovableClock();
        Instant t0 = clock.now;
        SyncStatus s = new SyncStatus(clock, Duration.ofSeconds(30));
        if (syncedAt >= 0) {
            clock.now = t0.plusSeconds(syncedAt);
            s.succeeded(3);
        }
        clock.now = t0.plusSeconds(askedAt);
        assertEquals(healthy, s.healthy());
        assertEquals(syncedAt >= 0, s.synced());
    }
}
