package io.kybernetes.proxy.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SyncRunnerTest {

    @Test
    void burstCoalescesAndRespectsMinInterval() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (SyncRunner r = new SyncRunner("t", Duration.ofMillis(400), Duration.ofSeconds(30), () -> {
            runs.incrementAndGet();
            return true;
        })) {
            r.start();
            r.request();
            Thread.sleep(100);
            assertEquals(1, runs.get(), "the first request runs at once");
            for (int i = 0; i < 100; i++) {
                r.request();
            }
            Thread.sleep(100);
            assertEquals(1, runs.get(), "a burst waits for the min interval");
            Thread.sleep(450);
            assertEquals(2, runs.get(), "the rest of the burst coalesced into one run");
            Thread.sleep(500);
            assertEquals(2, runs.get(), "no requests, no runs before the max interval");
        }
    }

    @Test
    void periodicRunWithoutRequests() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (SyncRunner r = new SyncRunner("t", Duration.ofMillis(50), Duration.ofMillis(300), () -> {
            runs.incrementAndGet();
            return true;
        })) {
            r.start();
            Thread.sleep(1000);
            assertTrue(runs.get() >= 2 && runs.get() <= 4, "runs every max interval: " + runs.get());
        }
    }

    @Test
    void failureIsRetriedAfterMinInterval() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean fail = new AtomicBoolean(true);
        try (SyncRunner r = new SyncRunner("t", Duration.ofMillis(100), Duration.ofSeconds(30), () -> {
            runs.incrementAndGet();
            return !fail.getAndSet(false);
        })) {
            r.start();
            r.request();
            Thread.sleep(400);
            assertEquals(2, runs.get(), "one failure, one successful retry, then quiet");
        }
    }
}
