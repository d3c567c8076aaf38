package io.kybernetes.scheduler.queue;

import static io.kybernetes.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class SchedulingQueueTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final SchedulingQueue q = new SchedulingQueue(now::get, Duration.ofSeconds(1), Duration.ofSeconds(10));

    Pod pop() throws InterruptedException {
        QueuedPod p = q.pop(Duration.ZERO);
        return p == null ? null : p.pod();
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @ParameterizedTest(name = "attempt {0} backs off {1} ms")
    @CsvSource({"1, 1000", "2, 2000", "3, 4000", "4, 8000", "5, 10000", "9, 10000"})
    void backoffDoublesUpToTheMaximum(int attempts, long millis) {
        assertEquals(Duration.ofMillis(millis).toNanos(), q.backoffNanos(attempts));
    }

    @Test
    void higherPriorityFirstThenFifo() throws InterruptedException {
        Pod a = pod("a", null, null);
        Pod b = pod("b", null, null);
        Pod c = new PodBuilder(pod("c", null, null)).editSpec().withPriority(10).endSpec().build();
        q.add(a);
        q.add(b);
        q.add(c);
        assertEquals("c", pop().getMetadata().getName());
        assertEquals("a", pop().getMetadata().getName());
        assertEquals("b", pop().getMetadata().getName());
        assertNull(pop());
    }

    @Test
    void unschedulablePodWaitsForAnEventThenForItsBackoff() throws InterruptedException {
        Pod a = pod("a", null, null);
        q.add(a);
        assertNotNull(pop());
        q.addUnschedulable(a);
        assertArrayEquals(new int[] {0, 0, 1}, q.sizes());
        advance(Duration.ofSeconds(30));
        assertNull(pop(), "no event: stays parked");
        q.moveAllToActiveOrBackoff();
        assertEquals(a, pop(), "backoff (1 s) long over: active at once");

        q.moveAllToActiveOrBackoff(); // a node changed while the pod was being scheduled
        q.addUnschedulable(a); // second failure: 2 s back-off instead of parking
        assertArrayEquals(new int[] {0, 1, 0}, q.sizes());
        assertNull(pop());
        advance(Duration.ofMillis(1999));
        assertNull(pop());
        advance(Duration.ofMillis(1));
        assertEquals(a, pop());
    }

    @Test
    void bindErrorsRetryAfterBackoff() throws InterruptedException {
        Pod a = pod("a", null, null);
        q.add(a);
        pop();
        q.addBackoff(a);
        assertNull(pop());
        advance(Duration.ofSeconds(1));
        assertEquals(a, pop());
    }

    @Test
    void deletedPodsLeaveEveryQueue() throws InterruptedException {
        Pod a = pod("a", null, null);
        Pod b = pod("b", null, null);
        q.add(a);
        q.add(b);
        pop();
        q.addUnschedulable(a);
        q.delete(a);
        q.delete(b);
        q.moveAllToActiveOrBackoff();
        advance(Duration.ofMinutes(1));
        assertNull(pop());
        assertArrayEquals(new int[] {0, 0, 0}, q.sizes());
    }

    @Test
    void updatesReplaceTheQueuedCopy() throws InterruptedException {
        Pod a = pod("a", null, null);
        q.add(a);
        Pod a2 = new PodBuilder(a).editMetadata().withResourceVersion("2").endMetadata().build();
        q.update(a2);
        assertEquals("2", pop().getMetadata().getResourceVersion());
    }

    @Test
    void popBlocksUntilAPodArrives() throws Exception {
        SchedulingQueue real = new SchedulingQueue();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            real.add(pod("late", null, null));
        });
        t.start();
        QueuedPod p = real.pop(Duration.ofSeconds(5));
        assertEquals("late", p.pod().getMetadata().getName());
        t.join();
    }

    @Test
    void unschedulablePodsAreFlushedAfterFiveMinutesWithoutAnEvent() throws InterruptedException {
        Pod a = pod("a", null, null);
        q.add(a);
        assertNotNull(pop());
        q.addUnschedulable(a);
        advance(Duration.ofMinutes(5).minusMillis(1));
        assertNull(pop(), "still parked just before 5 minutes");
        assertArrayEquals(new int[] {0, 0, 1}, q.sizes());
        advance(Duration.ofMillis(1));
        assertEquals(a, pop(), "periodic flush");
    }

    @Test
    void earlierArrivalFirstAmongEqualPriorities() throws InterruptedException {
        Pod low = new PodBuilder(pod("low", null, null)).editSpec().withPriority(-5).endSpec().build();
        Pod first = pod("first", null, null);
        Pod high = new PodBuilder(pod("high", null, null)).editSpec().withPriority(1000).endSpec().build();
        Pod second = pod("second", null, null);
        q.add(low);
        q.add(first);
        q.add(high);
        q.add(second);
        assertEquals("high", pop().getMetadata().getName());
        assertEquals("first", pop().getMetadata().getName());
        assertEquals("second", pop().getMetadata().getName());
        assertEquals("low", pop().getMetadata().getName());
    }

    @Test
    void podEventsMoveOnlyPodsThatTheyMayHelp() throws InterruptedException {
        Pod cpu = pod("cpu", null, null);
        Pod affinity = pod("affinity", null, null);
        Pod unknown = pod("unknown", null, null);
        q.add(cpu);
        q.add(affinity);
        q.add(unknown);
        pop();
        pop();
        pop();
        q.addUnschedulable(cpu, java.util.Set.of("NodeResourcesFit"));
        q.addUnschedulable(affinity, java.util.Set.of("InterPodAffinity", "NodeResourcesFit"));
        q.addUnschedulable(unknown);
        advance(Duration.ofSeconds(5));
        q.moveOnEvent(java.util.Set.of("InterPodAffinity", "PodTopologySpread"));
        assertArrayEquals(new int[] {2, 0, 1}, q.sizes());
        assertEquals("affinity", pop().getMetadata().getName());
        assertEquals("unknown", pop().getMetadata().getName());
        q.moveAllToActiveOrBackoff();
        assertEquals("cpu", pop().getMetadata().getName());
    }
}
