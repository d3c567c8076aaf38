package io.kybernetes.kubelet.hollow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;

class HollowPodStatusTest {

    private static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u1").endMetadata()
                .withNewSpec().withNodeName("hollow-1")
                .addNewInitContainer().withName("init").withImage("busybox").endInitContainer()
                .addNewContainer().withName("a").withImage("nginx").endContainer()
                .addNewContainer().withName("b").withImage("busybox").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").withQosClass("BestEffort").endStatus().build();
    }

    @Test
    void runningAndReady() {
        Pod pod = pod();
        assertFalse(HollowPodStatus.isRunning(pod));
        PodStatus s = HollowPodStatus.running(pod, "198.18.0.2", "100.64.1.1", Instant.parse("2026-01-02T03:04:05.6Z"));
        assertEquals("Running", s.getPhase());
        assertEquals("100.64.1.1", s.getPodIP());
        assertEquals("198.18.0.2", s.getHostIP());
        assertEquals("2026-01-02T03:04:05Z", s.getStartTime());
        assertEquals("BestEffort", s.getQosClass());
        assertEquals(2, s.getContainerStatuses().size());
        assertTrue(s.getContainerStatuses().stream().allMatch(c -> c.getReady() && c.getState().getRunning() != null));
        assertEquals(0, s.getInitContainerStatuses().get(0).getState().getTerminated().getExitCode());
        assertTrue(s.getConditions().stream().allMatch(c -> "True".equals(c.getStatus())));
        assertTrue(HollowPodStatus.isRunning(new PodBuilder(pod).withStatus(s).build()));
    }

    @Test
    void keepsStartAndTransitionTimesOfAnEarlierReport() {
        Pod pod = pod();
        PodStatus first = HollowPodStatus.running(pod, "h", "p", Instant.parse("2026-01-02T03:04:05Z"));
        PodStatus again = HollowPodStatus.running(new PodBuilder(pod).withStatus(first).build(), "h", "p",
                Instant.parse("2026-01-02T04:00:00Z"));
        assertEquals("2026-01-02T03:04:05Z", again.getStartTime());
        assertEquals("2026-01-02T03:04:05Z", again.getConditions().get(2).getLastTransitionTime());
    }
}
