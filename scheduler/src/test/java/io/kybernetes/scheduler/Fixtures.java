package io.kybernetes.scheduler;

import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** Small builders for test pods and nodes. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Node node(String name, String cpu, String memory, int pods) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(Map.of("kubernetes.io/hostname", name))
                .endMetadata().withNewSpec().endSpec()
                .withNewStatus()
                .withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                        "pods", new Quantity(String.valueOf(pods)), "ephemeral-storage", new Quantity("10Gi")))
                .withCapacity(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                        "pods", new Quantity(String.valueOf(pods))))
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
    }

    public static Pod pod(String name, String cpu, String memory) {
        ContainerBuilder c = new ContainerBuilder().withName("c").withImage("busybox");
        if (cpu != null || memory != null) {
            c.withNewResources().endResources();
            var r = c.editResources();
            if (cpu != null) {
                r.addToRequests("cpu", new Quantity(cpu));
            }
            if (memory != null) {
                r.addToRequests("memory", new Quantity(memory));
            }
            r.endResources();
        }
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
                .withUid(UUID.randomUUID().toString()).endMetadata()
                .withNewSpec().withContainers(c.build()).endSpec().build();
    }

    public static Pod onNode(Pod p, String node) {
        return new PodBuilder(p).editSpec().withNodeName(node).endSpec().build();
    }

    /** A 4-cpu 8Gi node with hostname plus the given labels. */
    public static Node labelledNode(String name, String... kv) {
        Node n = node(name, "4", "8Gi", 110);
        Map<String, String> labels = new java.util.HashMap<>(n.getMetadata().getLabels());
        for (int i = 0; i + 1 < kv.length; i += 2) {
            labels.put(kv[i], kv[i + 1]);
        }
        n.getMetadata().setLabels(labels);
        return n;
    }

    /** A pod without requests with labels given as key, value pairs. */
    public static Pod labelledPod(String name, String... kv) {
        Pod p = pod(name, null, null);
        Map<String, String> labels = new java.util.HashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            labels.put(kv[i], kv[i + 1]);
        }
        p.getMetadata().setLabels(labels);
        return p;
    }

    public static Pod inNamespace(Pod p, String namespace) {
        return new PodBuilder(p).editMetadata().withNamespace(namespace).endMetadata().build();
    }

    public static Pod withPriority(Pod p, int priority) {
        return new PodBuilder(p).editSpec().withPriority(priority).endSpec().build();
    }
}
