package io.kybernetes.kubelet;

import static io.kybernetes.kubelet.KubeletIntegrationTest.NODE;
import static io.kybernetes.kubelet.KubeletIntegrationTest.NS;
import static io.kybernetes.kubelet.KubeletIntegrationTest.await;
import static io.kybernetes.kubelet.KubeletIntegrationTest.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.cri.v1.ContainerConfig;
import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.Image;
import io.kybernetes.kubelet.cri.v1.PodSandboxConfig;
import io.kybernetes.kubelet.gc.ContainerGc;
import io.kybernetes.kubelet.gc.ImageGc;
import io.kybernetes.kubelet.pod.ContainerSpecs;
import io.kybernetes.kubelet.pod.CriLabels;

/**
 * Garbage collection inside a kubelet on a real containerd (private fixture) and fabric8's mock API server: with
 * thresholds that trigger (high 1%, low 0%, no minimum age) image GC removes the image no container uses and keeps
 * the running pod's image and the pinned sandbox image, reports FreeDiskSpaceFailed (0% cannot be reached) and, on
 * the second failure in a row, ImageGCFailed, and the Node's status.images follows; container GC keeps exactly one
 * exited instance of a container, and once the pod is deleted, its log directory goes.
 */
@ExtendWith(CriFixture.class)
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GarbageCollectionIntegrationTest {

    static final String SPARE = "docker.io/library/gcspare:1";
    static KubernetesClient client;
    static CriClient cri;
    static Kubelet kubelet;

    @BeforeAll
    static void startKubelet() {
        cri = new CriClient(CriFixture.socket());
        Kubelet.Settings s = KubeletIntegrationTest.settings();
        s.imageGc = new ImageGc.Policy(1, 0, Duration.ZERO, Duration.ZERO);
        s.containerGc = ContainerGc.Policy.DEFAULT;
        s.imageGcInterval = Duration.ofHours(1); // the tests trigger the collections themselves
        s.containerGcInterval = Duration.ofHours(1);
        s.housekeepingInterval = Duration.ofHours(1); // so the pod workers clean up only what the test deletes
        kubelet = new Kubelet(client, cri, NODE, "127.0.0.1", "10.245.0.0/24", 10250, CriFixture.DIR.resolve("kubelet"),
                CriFixture.DIR.resolve("pods"), s);
        kubelet.start();
    }

    @AfterAll
    static void stopKubelet() {
        if (client != null) {
            for (Pod p : client.pods().inNamespace(NS).list().getItems()) {
                client.pods().inNamespace(NS).resource(p).withGracePeriod(0).delete();
            }
            await("pods cleaned up", () -> cri.listPodSandboxes(Map.of()).size(), n -> n == 0);
        }
        if (kubelet != null) {
            kubelet.close();
        }
        if (cri != null) {
            cri.close();
        }
    }

    private static Pod get(String name) {
        return client.pods().inNamespace(NS).withName(name).get();
    }

    private static boolean has(String name) {
        return cri.listImages().stream().anyMatch(i -> names(i).contains(name));
    }

    private static List<String> names(Image i) {
        return i.getRepoTagsList();
    }

    private static long nodeEvents(String reason) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()) && "Node".equals(e.getInvolvedObject().getKind())
                        && NODE.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
                .count();
    }

    @Test
    @Order(1)
    void imageGcRemovesTheUnusedImageAndKeepsTheUsedAndPinnedOnes() {
        client.pods().inNamespace(NS).resource(pod("user", "Always", "exec sleep 3600")).create();
        await("user running", () -> get("user"), p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
        await("gc ready", () -> kubelet.garbageCollector(), g -> g != null);
        cri.pullImage(SPARE, PodSandboxConfig.getDefaultInstance());
        assertTrue(has(SPARE) && has("docker.io/library/busybox:latest") && has("docker.io/library/pause:3.9"),
                cri.listImages().toString());
        await("node lists the spare image", () -> client.nodes().withName(NODE).get(), n -> n.getStatus().getImages()
                .stream().anyMatch(i -> i.getNames().contains(SPARE)));
        long freeFailed = nodeEvents(ImageGc.FREE_DISK_SPACE_FAILED);
        long gcFailed = nodeEvents(ImageGc.IMAGE_GC_FAILED);

        kubelet.garbageCollector().collectImages();

        assertFalse(has(SPARE), "the unused image is removed: " + cri.listImages());
        assertTrue(has("docker.io/library/busybox:latest"), "the running pod's image stays");
        assertTrue(has("docker.io/library/pause:3.9"), "the sandbox image is pinned");
        // 0% usage cannot be reached: FreeDiskSpaceFailed; ImageGCFailed only on the second failure in a row
        await("FreeDiskSpaceFailed", () -> nodeEvents(ImageGc.FREE_DISK_SPACE_FAILED), n -> n > freeFailed);
        Event e = client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(x -> ImageGc.FREE_DISK_SPACE_FAILED.equals(x.getReason())).reduce((a, b) -> b).orElseThrow();
        assertTrue(e.getMessage().startsWith("Failed to garbage collect required amount of images. Attempted to free "),
                e.getMessage());
        kubelet.garbageCollector().collectImages();
        await("ImageGCFailed after two failures", () -> nodeEvents(ImageGc.IMAGE_GC_FAILED), n -> n > gcFailed);
        await("node no longer lists the spare image", () -> client.nodes().withName(NODE).get(),
                n -> n.getStatus().getImages().stream().noneMatch(i -> i.getNames().contains(SPARE))
                        && n.getStatus().getImages().stream().anyMatch(i -> i.getNames()
                        .contains("docker.io/library/busybox:latest")));
        assertEquals("Running", get("user").getStatus().getPhase());
    }

    @Test
    @Order(2)
    void containerGcKeepsExactlyOneExitedInstanceThenTheLogsOfDeletedPodsGo() throws Exception {
        Pod pod = get("user");
        String uid = pod.getMetadata().getUid();
        String sandbox = cri.listPodSandboxes(Map.of(CriLabels.POD_UID, uid)).get(0).getId();
        PodSandboxConfig sandboxConfig = ContainerSpecs.sandboxConfig(pod, CriFixture.DIR.resolve("pods"), 0);
        // three dead instances of a container "extra" (as an earlier kubelet run could have left them)
        List<String> extra = new java.util.ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            var spec = new ContainerBuilder().withName("extra").withImage("busybox").withCommand("true").build();
            ContainerConfig config = ContainerSpecs.containerConfig(pod, spec, attempt, false, "", "127.0.0.1");
            String id = cri.createContainer(sandbox, config, sandboxConfig);
            cri.startContainer(id);
            extra.add(id);
            await("extra " + attempt + " exited", () -> cri.containerStatus(id).getState(),
                    st -> st == ContainerState.CONTAINER_EXITED);
        }
        Path logDir = ContainerSpecs.podLogDirectory(CriFixture.DIR.resolve("pods"), pod);
        assertTrue(Files.isDirectory(logDir.resolve("extra")), "the dead instances left logs");

        kubelet.garbageCollector().collectContainers();

        var left = cri.listContainers(Map.of(CriLabels.POD_UID, uid));
        assertEquals(List.of(extra.get(2)), left.stream().filter(c -> "extra".equals(c.getMetadata().getName()))
                .map(c -> c.getId()).toList(), "exactly the newest exited instance is kept");
        assertTrue(left.stream().anyMatch(c -> "app".equals(c.getMetadata().getName())
                && c.getState() == ContainerState.CONTAINER_RUNNING), "the running container stays");
        assertEquals("Running", get("user").getStatus().getPhase());

        client.pods().inNamespace(NS).resource(get("user")).withGracePeriod(0).delete();
        await("pod's runtime objects removed", () -> cri.listPodSandboxes(Map.of(CriLabels.POD_UID, uid)).size()
                + cri.listContainers(Map.of(CriLabels.POD_UID, uid)).size(), n -> n == 0);
        assertTrue(Files.isDirectory(logDir), "the pod workers leave the log directory to garbage collection");
        await("pod gone from the kubelet's cache", () -> kubelet.podByUid(uid) == null, gone -> gone);
        kubelet.garbageCollector().collectContainers();
        assertFalse(Files.exists(logDir), "the deleted pod's log directory is removed");
    }
}
