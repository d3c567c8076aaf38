package io.kybernetes.controllers.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitedQueueTest {

    final RateLimitedQueue q = new RateLimitedQueue("t", Duration.ofMillis(5), Duration.ofSeconds(1));

    @AfterEach
    void stop() {
        q.shutDown();
    }

    @Test
    void duplicatesCollapse() throws InterruptedException {
        q.add("a");
        q.add("a");
        q.add("b");
        assertEquals(2, q.length());
        assertEquals("a", q.get());
        assertEquals("b", q.get());
    }

    @Test
    void aKeyAddedWhileProcessingComesBackOnlyAfterDone() throws InterruptedException {
        q.add("a");
        String k = q.get();
        q.add("a");
        assertEquals(0, q.length(), "not handed to a second worker while in flight");
        q.done(k);
        assertEquals(1, q.length());
    }

    @ParameterizedTest(name = "failure {0} waits {1} ms")
    @CsvSource({"1, 5", "2, 10", "3, 20", "8, 640", "9, 1000", "30, 1000"})
    void backoffDoublesToTheMaximum(int failures, long millis) {
        assertEquals(Duration.ofMillis(millis).toNanos(), q.backoff(failures));
    }

    @Test
    void rateLimitedAddsArriveLaterAndForgetResets() throws InterruptedException {
        q.addRateLimited("a");
        q.addRateLimited("a");
        assertEquals(2, q.failures("a"));
        assertEquals("a", q.get());
        q.forget("a");
        assertEquals(0, q.failures("a"));
    }
}
