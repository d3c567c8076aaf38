package io.kybernetes.controllers.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class QueueControllerTest {

    @Test
    void errorsAndRequeuesAreRetriedUntilDone() {
        AtomicInteger calls = new AtomicInteger();
        QueueController c = new QueueController("t", key -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new IllegalStateException("boom");
            }
            return n < 4 ? Result.requeue() : Result.done();
        }, 1);
        c.start();
        c.enqueue("ns/a");
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 4);
        c.stop();
        assertEquals(4, calls.get());
    }

    @Test
    void requeueAfterComesBack() {
        AtomicInteger calls = new AtomicInteger();
        QueueController c = new QueueController("t", key -> calls.incrementAndGet() == 1
                ? Result.requeueAfter(Duration.ofMillis(50)) : Result.done(), 1);
        c.start();
        c.enqueue("ns/a");
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
        c.stop();
    }
}
