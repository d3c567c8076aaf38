package io.kybernetes.scheduler.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameworkTest {

    @ParameterizedTest(name = "{0} nodes at {1}% -> {2}")
    @CsvSource({
        // below 100 nodes every node; adaptive: 50 - nodes/125 percent, at least 5%, at least 100 nodes
        "10, 0, 10",
        "99, 0, 99",
        "100, 0, 100",
        "1000, 0, 420",
        "5000, 0, 500",
        "6000, 0, 300",
        "1000, 30, 300",
        "1000, 5, 100",
        "1000, 100, 1000",
    })
    void numFeasibleNodesToFind(int nodes, int percentage, int expected) {
        Framework f = new Framework("p", List.of(), List.of(), List.of(), List.of(), List.of(), percentage,
                new Random());
        assertEquals(expected, f.numFeasibleNodesToFind(nodes));
    }

    /** A plugin whose PreFilter answers {@code pre} and whose Filter counts its calls and rejects. */
    static final class Probe implements PreFilterPlugin, FilterPlugin {
        final Status pre;
        int filterCalls;

        Probe(Status pre) {
            this.pre = pre;
        }

        @Override
        public String name() {
            return "Probe";
        }

        @Override
        public Status preFilter(CycleState state, io.fabric8.kubernetes.api.model.Pod pod) {
            return pre;
        }

        @Override
        public Status filter(CycleState state, io.fabric8.kubernetes.api.model.Pod pod, NodeInfo node) {
            filterCalls++;
            return Status.unresolvable("Probe", "probe rejects");
        }
    }

    @Test
    void aPreFilterSkipRemovesThatPluginsFilterForThePod() {
        var node = new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("n1").endMetadata()
                .build();
        var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewSpec().endSpec().build();
        Probe skipping = new Probe(Status.skip());
        Framework f = new Framework(List.of(skipping), List.of(skipping), List.of(), new Random());
        Framework.Result r = f.schedule(pod, List.of(new NodeInfo(node, List.of())));
        assertEquals("n1", r.node());
        assertEquals(0, skipping.filterCalls);
        assertTrue(Status.skip().isSuccess());

        Probe checking = new Probe(Status.success());
        Framework g = new Framework(List.of(checking), List.of(checking), List.of(), new Random());
        assertEquals(null, g.schedule(pod, List.of(new NodeInfo(node, List.of()))).node());
        assertEquals(1, checking.filterCalls);
    }
}
