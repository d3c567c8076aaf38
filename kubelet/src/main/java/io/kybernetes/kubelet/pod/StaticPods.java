package io.kybernetes.kubelet.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Static pods from {@code --pod-manifest-path}: every manifest (YAML or JSON, one Pod) becomes a mirror pod named
 * {@code <name>-<node>} in the API, bound to this node and annotated as upstream marks mirrors
 * ({@code kubernetes.io/config.mirror}, {@code config.source=file}, {@code config.hash}); the kubelet then runs it
 * like any pod. A changed manifest replaces the mirror, a removed one deletes it, and a mirror deleted through the
 * API comes back while its manifest exists. Unlike upstream, the pod runs only while the API server is reachable.
 */
public final class StaticPods {

    private static final Logger LOG = Logger.getLogger(StaticPods.class);
    public static final String MIRROR = "kubernetes.io/config.mirror";
    public static final String SOURCE = "kubernetes.io/config.source";
    public static final String HASH = "kubernetes.io/config.hash";

    private final KubernetesClient client;
    private final Path dir;
    private final String nodeName;
    private final Supplier<List<Pod>> boundPods;

    public StaticPods(KubernetesClient client, Path dir, String nodeName, Supplier<List<Pod>> boundPods) {
        this.client = client;
        this.dir = dir;
        this.nodeName = nodeName;
        this.boundPods = boundPods;
    }

    /** One pass: brings the mirror pods in line with the manifests. */
    public void sync() {
        Map<String, Pod> desired = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String n = f.getFileName().toString();
                    if (n.startsWith(".") || !(n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))) {
                        continue;
                    }
                    try {
                        Pod p = mirror(Files.readString(f));
                        desired.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
                    } catch (IOException | RuntimeException e) {
                        LOG.warnf("static pod manifest %s: %s", f, e.getMessage());
                    }
                }
            } catch (IOException e) {
                LOG.warnf("cannot read %s: %s", dir, e.getMessage());
            }
        }
        for (Pod want : desired.values()) {
            String ns = want.getMetadata().getNamespace();
            String name = want.getMetadata().getName();
            try {
                Pod have = client.pods().inNamespace(ns).withName(name).get();
                String hash = want.getMetadata().getAnnotations().get(HASH);
                if (have != null && have.getMetadata().getAnnotations() != null
                        && have.getMetadata().getAnnotations().containsKey(MIRROR)) {
                    if (hash.equals(have.getMetadata().getAnnotations().get(HASH))
                            || have.getMetadata().getDeletionTimestamp() != null) {
                        continue;
                    }
                    LOG.infof("static pod %s/%s changed: replacing its mirror pod", ns, name);
                    client.pods().inNamespace(ns).withName(name).withGracePeriod(0).delete();
                } else if (have != null) {
                    LOG.warnf("static pod %s/%s: a pod of that name exists and is not a mirror pod", ns, name);
                    continue;
                }
                client.pods().inNamespace(ns).resource(want).create();
                LOG.infof("static pod %s/%s: mirror pod created", ns, name);
            } catch (KubernetesClientException e) {
                LOG.debugf("static pod %s/%s: %s", ns, name, e.getMessage());
            }
        }
        for (Pod p : boundPods.get()) {
            var a = p.getMetadata().getAnnotations();
            String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
            if (a != null && "file".equals(a.get(SOURCE)) && a.containsKey(MIRROR) && !desired.containsKey(key)
                    && p.getMetadata().getDeletionTimestamp() == null) {
                LOG.infof("static pod %s: manifest removed; deleting its mirror pod", key);
                try {
                    client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                            .delete();
                } catch (KubernetesClientException e) {
                    LOG.debugf("delete mirror %s: %s", key, e.getMessage());
                }
            }
        }
    }

    /** The mirror pod for a manifest (pure): renamed for this node, bound, annotated with the content hash. */
    Pod mirror(String manifest) {
        Pod p = client.getKubernetesSerialization().unmarshal(manifest, Pod.class);
        if (p == null || p.getMetadata() == null || p.getMetadata().getName() == null || p.getSpec() == null) {
            throw new IllegalArgumentException("not a pod manifest with metadata.name and spec");
        }
        String hash = hash(manifest + "\n" + nodeName);
        String ns = p.getMetadata().getNamespace() == null ? "default" : p.getMetadata().getNamespace();
        return new PodBuilder(p).editMetadata().withName(p.getMetadata().getName() + "-" + nodeName).withNamespace(ns)
                .withUid(null).withResourceVersion(null)
                .addToAnnotations(MIRROR, hash).addToAnnotations(SOURCE, "file").addToAnnotations(HASH, hash)
                .endMetadata().editSpec().withNodeName(nodeName).endSpec().withStatus(null).build();
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
