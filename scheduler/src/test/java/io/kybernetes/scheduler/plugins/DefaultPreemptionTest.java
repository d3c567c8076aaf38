package io.kybernetes.scheduler.plugins;

import static io.kybernetes.scheduler.Fixtures.node;
import static io.kybernetes.scheduler.Fixtures.onNode;
import static io.kybernetes.scheduler.Fixtures.pod;
import static io.kybernetes.scheduler.Fixtures.withPriority;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.kybernetes.scheduler.config.SchedulerConfiguration;
import io.kybernetes.scheduler.framework.Framework;
import io.kybernetes.scheduler.framework.Listers;
import io.kybernetes.scheduler.framework.NodeInfo;

class DefaultPreemptionTest {

    record Preemption(String preemptor, String node, List<String> victims) {
    }

    final List<Preemption> done = new ArrayList<>();
    List<PodDisruptionBudget> pdbs = List.of();

    Framework framework() {
        Listers listers = new Listers() {
            @Override
            public List<PodDisruptionBudget> podDisruptionBudgets(String namespace) {
                return pdbs;
            }
        };
        return Profiles.build(SchedulerConfiguration.defaults().profiles().get(0), listers,
                (p, n, victims) -> done.add(new Preemption(p.getMetadata().getName(), n,
                        victims.stream().map(v -> v.getMetadata().getName()).toList())),
                new Random(1));
    }

    static Pod running(String name, String cpu, int priority, String node, String started) {
        Pod p = onNode(withPriority(pod(name, cpu, null), priority), node);
        return new PodBuilder(p).editMetadata().withLabels(Map.of("app", name)).endMetadata().withNewStatus()
                .withPhase("Running").withStartTime(started).endStatus().build();
    }

    static NodeInfo info(String name, String cpu, Pod... pods) {
        return new NodeInfo(node(name, cpu, "8Gi", 110), List.of(pods));
    }

    @Test
    void evictsTheLowerPriorityPodAndNominatesTheNode() {
        var result = framework().schedule(withPriority(pod("high", "1", null), 100),
                List.of(info("n1", "2", running("low", "2", 0, "n1", "2026-01-01T00:00:00Z"))));
        assertNull(result.node());
        assertEquals("n1", result.nominatedNode());
        assertEquals(List.of(new Preemption("high", "n1", List.of("low"))), done);
        assertEquals("0/1 nodes are available: 1 Insufficient cpu.", result.fitError().message());
    }

    @Test
    void equalPriorityHasNoVictims() {
        var result = framework().schedule(withPriority(pod("p", "1", null), 0),
                List.of(info("n1", "2", running("low", "2", 0, "n1", "2026-01-01T00:00:00Z"))));
        assertNull(result.nominatedNode());
        assertEquals(List.of(), done);
        assertEquals("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
                + "1 No preemption victims found for incoming pod.", result.fitError().message());
    }

    @Test
    void preemptionPolicyNever() {
        Pod p = new PodBuilder(withPriority(pod("p", "1", null), 100)).editSpec().withPreemptionPolicy("Never")
                .endSpec().build();
        var result = framework().schedule(p,
                List.of(info("n1", "2", running("low", "2", 0, "n1", "2026-01-01T00:00:00Z"))));
        assertNull(result.nominatedNode());
        assertEquals("0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to "
                + "preemptionPolicy=Never.", result.fitError().message());
    }

    @Test
    void unresolvableNodesAreNotHelpedAndOthersExplainWhy() {
        var tainted = new NodeInfo(new NodeBuilder(node("n2", "2", "8Gi", 110)).editSpec().addToTaints(
                new TaintBuilder().withKey("k").withValue("v").withEffect("NoSchedule").build()).endSpec().build(),
                List.of());
        // n1: even without the lower pod, 3 cpu do not fit in 2.
        var result = framework().schedule(withPriority(pod("p", "3", null), 100),
                List.of(info("n1", "2", running("low", "1", 0, "n1", "2026-01-01T00:00:00Z")), tainted));
        assertNull(result.nominatedNode());
        assertEquals("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {k: v}. "
                + "preemption: 0/2 nodes are available: 1 Insufficient cpu, "
                + "1 Preemption is not helpful for scheduling.", result.fitError().message());
    }

    @Test
    void reprievesAllButTheLeastImportantNeeded() {
        framework().schedule(withPriority(pod("high", "1", null), 100),
                List.of(info("n1", "3", running("p1", "1", 1, "n1", "2026-01-01T00:00:00Z"),
                        running("p3", "1", 3, "n1", "2026-01-01T00:00:00Z"),
                        running("p2", "1", 2, "n1", "2026-01-01T00:00:00Z"))));
        assertEquals(List.of(new Preemption("high", "n1", List.of("p1"))), done);
    }

    @Test
    void picksTheNodeWithTheLowestHighestVictim() {
        framework().schedule(withPriority(pod("high", "1", null), 100),
                List.of(info("n1", "1", running("five", "1", 5, "n1", "2026-01-01T00:00:00Z")),
                        info("n2", "1", running("one", "1", 1, "n2", "2026-01-01T00:00:00Z"))));
        assertEquals(List.of(new Preemption("high", "n2", List.of("one"))), done);
    }

    @Test
    void picksFewerVictimsAtEqualPriority() {
        framework().schedule(withPriority(pod("high", "2", null), 100),
                List.of(info("n1", "2", running("a", "1", 1, "n1", "2026-01-01T00:00:00Z"),
                        running("b", "1", 1, "n1", "2026-01-01T00:00:00Z")),
                        info("n2", "2", running("c", "2", 1, "n2", "2026-01-01T00:00:00Z"))));
        assertEquals(List.of(new Preemption("high", "n2", List.of("c"))), done);
    }

    @Test
    void avoidsPodDisruptionBudgetViolations() {
        pdbs = List.of(new PodDisruptionBudgetBuilder().withNewMetadata().withName("protect").withNamespace("default")
                .endMetadata().withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "guarded")).endSelector()
                .endSpec().withNewStatus().withDisruptionsAllowed(0).endStatus().build());
        framework().schedule(withPriority(pod("high", "1", null), 100),
                List.of(info("n1", "1", running("guarded", "1", 1, "n1", "2026-01-01T00:00:00Z")),
                        info("n2", "1", running("free", "1", 5, "n2", "2026-01-01T00:00:00Z"))));
        assertEquals(List.of(new Preemption("high", "n2", List.of("free"))), done);
    }

    @Test
    void terminatingVictimOnTheNominatedNodeMeansWait() {
        Pod low = new PodBuilder(running("low", "2", 0, "n1", "2026-01-01T00:00:00Z")).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:01:00Z").endMetadata().build();
        Pod high = new PodBuilder(withPriority(pod("high", "1", null), 100)).withNewStatus()
                .withNominatedNodeName("n1").endStatus().build();
        var result = framework().schedule(high, List.of(info("n1", "2", low)));
        assertNull(result.nominatedNode());
        assertEquals(List.of(), done);
        assertEquals("0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating "
                + "pod on the nominated node.", result.fitError().message());
    }
}
