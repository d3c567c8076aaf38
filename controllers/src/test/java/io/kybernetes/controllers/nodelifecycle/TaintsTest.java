package io.kybernetes.controllers.nodelifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;

class TaintsTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @ParameterizedTest(name = "Ready={0} -> {1}")
    @CsvSource(value = {"True,", "False,node.kubernetes.io/not-ready", "Unknown,node.kubernetes.io/unreachable",
        ",node.kubernetes.io/unreachable"})
    void wantedTaint(String ready, String taint) {
        assertEquals(taint, Taints.wanted(ready));
    }

    /** toleration: "key:seconds" ("-" no seconds, empty: none); expected: seconds after the taint, never, now. */
    @ParameterizedTest(name = "taint {0} added {1}, toleration [{2}] -> {3}")
    @CsvSource(delimiter = '|', value = {
        "node.kubernetes.io/unreachable|2026-11-24T09:58:00Z|node.kubernetes.io/unreachable:300|2026-11-24T10:03:00Z",
        "node.kubernetes.io/unreachable|2026-11-24T09:50:00Z|node.kubernetes.io/unreachable:300|2026-11-24T09:55:00Z",
        "node.kubernetes.io/unreachable|2026-11-24T09:58:00Z|node.kubernetes.io/unreachable:-|never",
        "node.kubernetes.io/unreachable|2026-11-24T09:58:00Z||2026-11-24T10:03:00Z",
        "node.kubernetes.io/not-ready|2026-11-24T09:58:00Z|node.kubernetes.io/unreachable:60|2026-11-24T10:03:00Z",
        "node.kubernetes.io/unreachable|2026-11-24T09:58:00Z|node.kubernetes.io/unreachable:0|2026-11-24T09:58:00Z",
        "example.com/maintenance|2026-11-24T09:58:00Z||2026-11-24T10:00:00Z",
        "node.kubernetes.io/not-ready|2026-11-24T09:59:00Z|:30|2026-11-24T09:59:30Z",
    })
    void evictionTime(String key, String added, String toleration, String expected) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().endSpec();
        if (toleration != null) {
            String[] kv = toleration.split(":");
            b.editSpec().addNewToleration().withKey(kv[0].isEmpty() ? null : kv[0]).withOperator("Exists")
                    .withEffect("NoExecute").withTolerationSeconds(kv[1].equals("-") ? null : Long.valueOf(kv[1]))
                    .endToleration().endSpec();
        }
        Pod p = b.build();
        Taint t = new TaintBuilder().withKey(key).withEffect("NoExecute").withTimeAdded(added).build();
        Instant at = Taints.evictionTime(p, List.of(t), NOW);
        assertEquals(expected.equals("never") ? null : Instant.parse(expected), at);
    }
}
