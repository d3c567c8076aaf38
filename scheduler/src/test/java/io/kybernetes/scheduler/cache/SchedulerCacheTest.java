package io.kybernetes.scheduler.cache;

import static io.kybernetes.scheduler.Fixtures.node;
import static io.kybernetes.scheduler.Fixtures.onNode;
import static io.kybernetes.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.scheduler.framework.NodeInfo;

class SchedulerCacheTest {

    private static List<String> podsOf(List<NodeInfo> snapshot, String node) {
        return snapshot.stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow().pods().stream()
                .map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    void unchangedCacheReusesTheSnapshotAndAChangeRebuildsOnlyItsNode() {
        SchedulerCache cache = new SchedulerCache();
        cache.putNode(node("a", "4", "8Gi", 110));
        cache.putNode(node("b", "4", "8Gi", 110));
        List<NodeInfo> first = cache.snapshot();
        assertEquals(List.of("a", "b"), first.stream().map(NodeInfo::name).toList());
        assertSame(first, cache.snapshot());

        cache.putPod(onNode(pod("p1", "1", "1Gi"), "a"));
        List<NodeInfo> second = cache.snapshot();
        assertNotSame(first, second);
        assertNotSame(first.get(0), second.get(0));
        assertSame(first.get(1), second.get(1), "node b did not change, so its NodeInfo is reused");
        assertEquals(1000, second.get(0).requested().milliCpu());
        assertEquals(List.of("p1"), podsOf(second, "a"));
    }

    @Test
    void podsFollowTheirNodeAcrossAssumeMoveForgetAndRemoval() {
        SchedulerCache cache = new SchedulerCache();
        cache.putNode(node("a", "4", "8Gi", 110));
        cache.putNode(node("b", "4", "8Gi", 110));
        Pod p = pod("p", "500m", null);
        cache.assume(p, "a");
        assertTrue(cache.isAssumed(p) && cache.isPlaced(p));
        assertEquals(List.of("p"), podsOf(cache.snapshot(), "a"));
        cache.forget(p);
        assertEquals(List.of(), podsOf(cache.snapshot(), "a"));

        cache.putPod(onNode(p, "a"));
        cache.putPod(onNode(p, "b")); // the informer's view wins
        assertEquals(List.of(), podsOf(cache.snapshot(), "a"));
        assertEquals(List.of("p"), podsOf(cache.snapshot(), "b"));

        cache.putPod(new PodBuilder(onNode(p, "b")).withNewStatus().withPhase("Succeeded").endStatus().build());
        assertEquals(List.of(), podsOf(cache.snapshot(), "b"), "a finished pod frees its node");
    }

    @Test
    void podsOfANodeSeenLaterAndRemovedNodes() {
        SchedulerCache cache = new SchedulerCache();
        cache.putPod(onNode(pod("early", null, null), "late"));
        assertEquals(0, cache.snapshot().size());
        cache.putNode(node("late", "4", "8Gi", 110));
        assertEquals(List.of("early"), podsOf(cache.snapshot(), "late"));
        cache.removeNode(node("late", "4", "8Gi", 110));
        assertEquals(0, cache.snapshot().size());
        assertEquals(0, cache.nodeCount());
    }
}
