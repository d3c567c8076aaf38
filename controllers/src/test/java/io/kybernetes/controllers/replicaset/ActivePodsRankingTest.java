package io.kybernetes.controllers.replicaset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class ActivePodsRankingTest {

    /** A pod from "node,phase,ready,readySince,restarts,created". */
    static Pod pod(String name, String spec) {
        String[] f = spec.split(";", -1);
        return new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(f[5]).endMetadata()
                .withNewSpec().withNodeName(f[0].isEmpty() ? null : f[0]).endSpec()
                .withNewStatus().withPhase(f[1]).addNewCondition().withType("Ready").withStatus(f[2])
                .withLastTransitionTime(f[3]).endCondition()
                .addNewContainerStatus().withName("c").withRestartCount(Integer.parseInt(f[4])).endContainerStatus()
                .endStatus().build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unscheduled goes first | ;Pending;False;;0;2026-01-01T00:00:00Z | n;Running;True;2026-01-01T00:00:00Z;0;2026-01-01T00:00:00Z",
        "pending before running | n;Pending;False;;0;2026-01-01T00:00:00Z | n;Running;True;2026-01-01T00:00:00Z;0;2026-01-01T00:00:00Z",
        "not ready before ready | n;Running;False;;0;2026-01-01T00:00:00Z | n;Running;True;2026-01-01T00:00:00Z;0;2026-01-01T00:00:00Z",
        "ready more recently first | n;Running;True;2026-01-02T00:00:00Z;0;2026-01-01T00:00:00Z | n;Running;True;2026-01-01T00:00:00Z;0;2026-01-01T00:00:00Z",
        "more restarts first | n;Running;True;2026-01-01T00:00:00Z;5;2026-01-01T00:00:00Z | n;Running;True;2026-01-01T00:00:00Z;0;2026-01-01T00:00:00Z",
        "newer first | n;Running;True;2026-01-01T00:00:00Z;0;2026-01-03T00:00:00Z | n;Running;True;2026-01-01T00:00:00Z;0;2026-01-01T00:00:00Z",
    })
    void deletedFirst(String name, String first, String second) {
        List<Pod> pods = new ArrayList<>(List.of(pod("keep", second), pod("delete", first)));
        pods.sort(new ActivePodsRanking());
        assertEquals("delete", pods.get(0).getMetadata().getName(), name);
    }
}
