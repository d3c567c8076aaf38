package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 7 (kubelet eviction) on the real node: local ephemeral storage limits evict pods regardless of node
 * pressure, as upstream's kubelet does. Three pods run side by side:
 * <ul>
 * <li>{@code emptydir-hog} writes 4 MiB into an emptyDir of {@code sizeLimit: 1Mi};</li>
 * <li>{@code rootfs-hog} has {@code limits.ephemeral-storage: 2Mi} and writes 8 MiB into its own root file system
 * (its writable layer, as containerd's CRI ContainerStats reports it);</li>
 * <li>{@code pod-limit-hog} has the same limit and writes 8 MiB into an emptyDir without a sizeLimit (emptyDir use
 * counts against the pod's total);</li>
 * <li>{@code quiet} writes 1 KiB into an emptyDir of 8Mi and sleeps.</li>
 * </ul>
 * The hogs end phase Failed, reason Evicted, with upstream's messages, an {@code Evicted} event and their containers
 * stopped; the quiet pod keeps running without a restart, and the node reports no pressure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvictionTest {

    private static final String NS = "e2e-eviction";
    private static final Duration EVICTED_WITHIN = Duration.ofSeconds(120);

    private static final String PODS = """
            apiVersion: v1
            kind: Pod
            metadata: {name: emptydir-hog}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
              - name: hog
                image: busybox
                command: ["sh", "-c", "dd if=/dev/zero of=/data/fill bs=1024 count=4096 && sleep 3600"]
                volumeMounts: [{name: data, mountPath: /data}]
              volumes:
              - name: data
                emptyDir: {sizeLimit: 1Mi}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: rootfs-hog}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
              - name: hog
                image: busybox
                command: ["sh", "-c", "dd if=/dev/zero of=/fill bs=1024 count=8192 && sleep 3600"]
                resources:
                  limits: {ephemeral-storage: 2Mi}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: pod-limit-hog}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
              - name: hog
                image: busybox
                command: ["sh", "-c", "dd if=/dev/zero of=/scratch/fill bs=1024 count=8192 && sleep 3600"]
                resources:
                  limits: {ephemeral-storage: 2Mi}
                volumeMounts: [{name: scratch, mountPath: /scratch}]
              volumes:
              - name: scratch
                emptyDir: {}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: quiet}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                command: ["sh", "-c", "dd if=/dev/zero of=/data/small bs=1024 count=1 && sleep 3600"]
                volumeMounts: [{name: data, mountPath: /data}]
              volumes:
              - name: data
                emptyDir: {sizeLimit: 8Mi}
            """;

    @BeforeAll
    static void createPods() throws IOException {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true").ok();
        kubectl("create", "namespace", NS).ok();
        Path manifest = Files.createTempFile("e2e-eviction", ".yaml");
        Files.writeString(manifest, PODS);
        try {
            kubectl("-n", NS, "apply", "-f", manifest.toString()).ok();
        } finally {
            Files.deleteIfExists(manifest);
        }
    }

    @AfterAll
    static void cleanUp() {
        kubectl(Duration.ofSeconds(120), "delete", "namespace", NS, "--ignore-not-found", "--wait=true");
    }

    private static String get(String pod, String jsonPath) {
        return kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath=" + jsonPath).out().trim();
    }

    private static void assertEvicted(String pod, String message) {
        String phase = eventually(EVICTED_WITHIN, () -> get(pod, "{.status.phase}"), "Failed"::equals);
        assertEquals("Failed", phase);
        assertEquals("Evicted", get(pod, "{.status.reason}"));
        assertEquals(message, get(pod, "{.status.message}"));
        // (kubectl get's STATUS column shows the stopped container's reason, Error, as for upstream's evicted pods)
        String describe = kubectl("-n", NS, "describe", "pod", pod).ok().out();
        System.out.println(describe);
        assertTrue(describe.lines().anyMatch(l -> l.matches("Status:\\s+Failed")), describe);
        assertTrue(describe.lines().anyMatch(l -> l.matches("Reason:\\s+Evicted")), describe);
        assertTrue(describe.contains("Message:") && describe.contains(message), describe);
        eventually(Duration.ofSeconds(30), () -> kubectl("-n", NS, "get", "events", "--field-selector",
                "involvedObject.name=" + pod + ",reason=Evicted", "-o", "jsonpath={.items[*].message}").out(),
                m -> m.contains(message.trim()));
        String state = eventually(Duration.ofSeconds(30),
                () -> get(pod, "{.status.containerStatuses[0].state.terminated.exitCode}"), s -> !s.isEmpty());
        assertTrue(get(pod, "{.status.containerStatuses[0].state.running}").isEmpty(), "container still running");
        assertEquals("False", get(pod, "{.status.conditions[?(@.type==\"Ready\")].status}"), state);
    }

    @Test
    @Order(1)
    void quietPodRuns() {
        eventually(Duration.ofSeconds(120), () -> get("quiet", "{.status.phase}"), "Running"::equals);
    }

    @Test
    @Order(2)
    void emptyDirOverItsSizeLimitIsEvicted() {
        assertEvicted("emptydir-hog", "Usage of EmptyDir volume \"data\" exceeds the limit \"1Mi\".");
    }

    @Test
    @Order(3)
    void writableLayerOverTheEphemeralStorageLimitIsEvicted() {
        assertEvicted("rootfs-hog", "Pod ephemeral local storage usage exceeds the total limit of containers 2Mi.");
    }

    @Test
    @Order(4)
    void emptyDirUseCountsAgainstThePodsEphemeralStorageLimit() {
        assertEvicted("pod-limit-hog", "Pod ephemeral local storage usage exceeds the total limit of containers 2Mi.");
    }

    @Test
    @Order(5)
    void wellBehavedPodKeepsRunningAndTheNodeHasNoPressure() throws InterruptedException {
        Thread.sleep(12_000); // one more eviction interval (10 s) after the evictions
        assertEquals("Running", get("quiet", "{.status.phase}"));
        assertEquals("0", get("quiet", "{.status.containerStatuses[0].restartCount}"));
        assertEquals("True", get("quiet", "{.status.conditions[?(@.type==\"Ready\")].status}"));
        String node = get("quiet", "{.spec.nodeName}");
        for (String condition : new String[] {"MemoryPressure", "DiskPressure", "PIDPressure"}) {
            assertEquals("False", kubectl("get", "node", node, "-o",
                    "jsonpath={.status.conditions[?(@.type==\"" + condition + "\")].status}").out().trim(), condition);
        }
    }
}
