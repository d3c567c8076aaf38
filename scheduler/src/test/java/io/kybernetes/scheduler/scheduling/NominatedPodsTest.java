package io.kybernetes.scheduler.scheduling;

import static io.kybernetes.scheduler.Fixtures.node;
import static io.kybernetes.scheduler.Fixtures.onNode;
import static io.kybernetes.scheduler.Fixtures.pod;
import static io.kybernetes.scheduler.Fixtures.withPriority;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.kybernetes.scheduler.cache.SchedulerCache;
import io.kybernetes.scheduler.config.SchedulerConfiguration;
import io.kybernetes.scheduler.framework.Framework;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.plugins.Profiles;
import io.kybernetes.scheduler.queue.SchedulingQueue;

/** The scheduling cycle with preemption: the room freed for a nominated pod is kept for it. */
class NominatedPodsTest {

    final List<String> calls = new ArrayList<>();
    final ApiWriter api = new ApiWriter() {
        @Override
        public void bind(Pod pod, String node) {
            calls.add("bind " + pod.getMetadata().getName() + " " + node);
        }

        @Override
        public void markUnschedulable(Pod pod, String message) {
            calls.add("unschedulable " + pod.getMetadata().getName());
        }

        @Override
        public void markUnschedulable(Pod pod, String message, String nominatedNode) {
            calls.add("unschedulable " + pod.getMetadata().getName()
                    + (nominatedNode == null ? "" : " nominated " + nominatedNode));
        }

        @Override
        public void event(Pod pod, String type, String reason, String message) {
        }

        @Override
        public void clearNomination(Pod pod) {
            calls.add("clear " + pod.getMetadata().getName());
        }
    };

    @Test
    void aNominatedPodKeepsTheRoomItPreemptedFor() {
        SchedulerCache cache = new SchedulerCache();
        SchedulingQueue queue = new SchedulingQueue();
        Framework fw = Profiles.build(SchedulerConfiguration.defaults().profiles().get(0), Listers.NONE,
                (p, node, victims) -> calls.add("preempt " + victims.stream().map(v -> v.getMetadata().getName())
                        .toList() + " on " + node),
                new Random(1));
        Scheduler s = new Scheduler(Map.of("default-scheduler", fw), cache, queue, api, Listers.NONE);
        cache.putNode(node("n1", "2", "4Gi", 110));
        Pod low = onNode(withPriority(pod("low", "2", null), 0), "n1");
        cache.putPod(low);
        Pod high = withPriority(pod("high", "1", null), 100);
        Pod medium = withPriority(pod("medium", "2", null), 50);

        s.scheduleOne(high);
        assertEquals(List.of("preempt [low] on n1", "unschedulable high nominated n1"), calls);
        calls.clear();

        s.podHandler().onDelete(low, false); // the victim is gone
        s.scheduleOne(medium);
        assertTrue(calls.contains("unschedulable medium"), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("preempt")), "no victim: high is only nominated");
        calls.clear();

        s.scheduleOne(high);
        assertEquals(List.of("bind high n1"), calls);
    }

    @Test
    void aHigherPreemptorTakesTheNominationOfALowerOne() {
        SchedulerCache cache = new SchedulerCache();
        SchedulingQueue queue = new SchedulingQueue();
        Framework fw = Profiles.build(SchedulerConfiguration.defaults().profiles().get(0), Listers.NONE,
                (p, node, victims) -> calls.add("preempt " + victims.stream().map(v -> v.getMetadata().getName())
                        .toList() + " on " + node),
                new Random(1));
        Scheduler s = new Scheduler(Map.of("default-scheduler", fw), cache, queue, api, Listers.NONE);
        cache.putNode(node("n1", "2", "4Gi", 110));
        cache.putPod(onNode(withPriority(pod("low", "2", null), 0), "n1"));
        Pod medium = withPriority(pod("medium", "2", null), 50);
        Pod high = withPriority(pod("high", "2", null), 100);
        s.scheduleOne(medium);
        assertEquals(List.of("preempt [low] on n1", "unschedulable medium nominated n1"), calls);
        calls.clear();
        s.scheduleOne(high); // low is still terminating there: high preempts it too and takes the nomination
        assertTrue(calls.contains("clear medium"), calls.toString());
        assertTrue(calls.contains("unschedulable high nominated n1"), calls.toString());
    }
}
