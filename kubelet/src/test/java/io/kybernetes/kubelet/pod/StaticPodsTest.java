package io.kybernetes.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;

class StaticPodsTest {

    static final String MANIFEST = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"etcd\","
            + "\"namespace\":\"kube-system\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";

    @Test
    void mirrorPodsAreRenamedBoundAndAnnotated() {
        try (var client = new KubernetesClientBuilder().build()) {
            StaticPods s = new StaticPods(client, null, "node-1", List::of);
            var p = s.mirror(MANIFEST);
            assertEquals("etcd-node-1", p.getMetadata().getName());
            assertEquals("kube-system", p.getMetadata().getNamespace());
            assertEquals("node-1", p.getSpec().getNodeName());
            assertEquals("file", p.getMetadata().getAnnotations().get(StaticPods.SOURCE));
            String hash = p.getMetadata().getAnnotations().get(StaticPods.HASH);
            assertEquals(hash, p.getMetadata().getAnnotations().get(StaticPods.MIRROR));
            assertEquals(32, hash.length());
            assertNotEquals(hash, s.mirror(MANIFEST.replace("busybox", "nginx")).getMetadata().getAnnotations()
                    .get(StaticPods.HASH), "a changed manifest has another hash");
            assertThrows(IllegalArgumentException.class, () -> s.mirror("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"));
        }
    }
}
