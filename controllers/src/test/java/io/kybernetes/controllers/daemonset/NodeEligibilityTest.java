package io.kybernetes.controllers.daemonset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;

class NodeEligibilityTest {

    /** node: "labels;taint key=value:effect"; pod: "nodeSelector;toleration key:effect;affinity key In v". */
    @ParameterizedTest(name = "node [{0}] pod [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
        "||true",
        "disk=ssd|nodeSelector disk=ssd|true",
        "disk=hdd|nodeSelector disk=ssd|false",
        "|nodeSelector disk=ssd|false",
        "taint dedicated=gpu:NoSchedule||false",
        "taint dedicated=gpu:NoSchedule|toleration dedicated:NoSchedule|true",
        "taint dedicated=gpu:NoExecute|toleration dedicated:NoSchedule|false",
        "taint dedicated=gpu:PreferNoSchedule||true",
        "taint node.kubernetes.io/not-ready=:NoExecute||true",
        "taint node.kubernetes.io/unreachable=:NoExecute||true",
        "taint node.kubernetes.io/unschedulable=:NoSchedule||true",
        "taint node.kubernetes.io/memory-pressure=:NoSchedule||true",
        "taint node.kubernetes.io/disk-pressure=:NoSchedule||true",
        "taint node.kubernetes.io/pid-pressure=:NoSchedule||true",
        "taint node.kubernetes.io/network-unavailable=:NoSchedule||false",
        "taint node-role.kubernetes.io/control-plane=:NoSchedule||false",
        "zone=a|affinity zone In a|true",
        "zone=b|affinity zone In a|false",
        "|affinity metadata.name In n1|true",
        "|affinity metadata.name In n2|false",
    })
    void shouldRun(String node, String pod, boolean expected) {
        assertEquals(expected, NodeEligibility.shouldRun(pod(pod), node(node)));
    }

    static Node node(String spec) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewSpec().endSpec();
        if (spec != null) {
            if (spec.startsWith("taint ")) {
                String t = spec.substring(6);
                String key = t.substring(0, t.indexOf('='));
                String value = t.substring(t.indexOf('=') + 1, t.indexOf(':'));
                b.editSpec().addNewTaint().withKey(key).withValue(value).withEffect(t.substring(t.indexOf(':') + 1))
                        .endTaint().endSpec();
            } else {
                String[] kv = spec.split("=");
                b.editMetadata().addToLabels(kv[0], kv[1]).endMetadata();
            }
        }
        return b.build();
    }

    static PodSpec pod(String spec) {
        PodSpecBuilder b = new PodSpecBuilder().addNewContainer().withName("c").endContainer();
        if (spec == null) {
            return b.build();
        }
        String[] w = spec.split(" ");
        switch (w[0]) {
            case "nodeSelector" -> b.addToNodeSelector(w[1].split("=")[0], w[1].split("=")[1]);
            case "toleration" -> b.addNewToleration().withKey(w[1].split(":")[0]).withOperator("Exists")
                    .withEffect(w[1].split(":")[1]).endToleration();
            case "affinity" -> {
                var term = new io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder();
                var req = new io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder().withKey(w[1])
                        .withOperator(w[2]).withValues(w[3]).build();
                if (w[1].equals("metadata.name")) {
                    term.addToMatchFields(req);
                } else {
                    term.addToMatchExpressions(req);
                }
                b.withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                        .addToNodeSelectorTerms(term.build()).endRequiredDuringSchedulingIgnoredDuringExecution()
                        .endNodeAffinity().endAffinity();
            }
            default -> throw new IllegalArgumentException(spec);
        }
        return b.build();
    }
}
