package io.kybernetes.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.logs.ContainerLogs;
import io.kybernetes.kubelet.logs.LogOptions;
import io.kybernetes.kubelet.logs.LogStreamer;

/**
 * The kubelet against a real containerd (private fixture) and fabric8's mock API server in CRUD mode: pods bound to
 * the node run as real containers, report status, restart, serve logs and are cleaned up when deleted.
 */
@ExtendWith(CriFixture.class)
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeletIntegrationTest {

    static final String NODE = "kubelet-it-node";
    static final String NS = "default";
    static KubernetesClient client;
    static KubernetesMockServer server;
    static CriClient cri;
    static Kubelet kubelet;
    static Path logDir;

    @BeforeAll
    static void startKubelet() throws Exception {
        cri = new CriClient(CriFixture.socket());
        logDir = CriFixture.DIR.resolve("pods");
        kubelet = new Kubelet(client, cri, NODE, "127.0.0.1", "10.245.0.0/24", 10250, CriFixture.DIR.resolve("kubelet"), logDir,
                settings());
        kubelet.start();
    }

    static Kubelet.Settings settings() {
        Kubelet.Settings s = new Kubelet.Settings();
        s.statusInterval = Duration.ofSeconds(2);
        s.relistInterval = Duration.ofMillis(500);
        s.housekeepingInterval = Duration.ofSeconds(5);
        s.serverSideNodeSelector = false;
        return s;
    }

    @AfterAll
    static void stopKubelet() {
        if (kubelet != null) {
            kubelet.close();
        }
        if (cri != null) {
            cri.close();
        }
    }

    @Test
    @Order(1)
    void registersTheNodeAndItsLease() {
        Node node = await("node registered", () -> client.nodes().withName(NODE).get(),
                n -> n != null && n.getStatus() != null && n.getStatus().getConditions() != null);
        assertEquals(NODE, node.getMetadata().getLabels().get("kubernetes.io/hostname"));
        assertEquals("linux", node.getMetadata().getLabels().get("kubernetes.io/os"));
        assertEquals("10.245.0.0/24", node.getSpec().getPodCIDR());
        assertEquals("110", node.getStatus().getCapacity().get("pods").getAmount());
        assertTrue(node.getStatus().getNodeInfo().getContainerRuntimeVersion().startsWith("containerd://"));
        assertEquals(10250, node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort());
        assertTrue(node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())
                        && "KubeletReady".equals(c.getReason())));
        Lease lease = await("lease", () -> client.leases().inNamespace("kube-node-lease").withName(NODE).get(),
                l -> l != null);
        assertEquals(NODE, lease.getSpec().getHolderIdentity());
        assertEquals(40, lease.getSpec().getLeaseDurationSeconds());
        assertEquals("Node", lease.getMetadata().getOwnerReferences().get(0).getKind());
    }

    @Test
    @Order(2)
    void podRunsGetsAnIpServesHttpAndLogs() throws Exception {
        Pod web = pod("web", "Always",
                "echo hello-log; echo hello-from-pod > /www/index.html; exec httpd -f -p 80 -h /www");
        web.getSpec().getContainers().get(0).setReadinessProbe(new io.fabric8.kubernetes.api.model.ProbeBuilder()
                .withNewHttpGet().withPath("/index.html").withNewPort(80).endHttpGet().withPeriodSeconds(1).build());
        client.pods().inNamespace(NS).resource(web).create();
        Pod pod = await("web running and ready", () -> client.pods().inNamespace(NS).withName("web").get(),
                p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()) && isReady(p));
        String ip = pod.getStatus().getPodIP();
        assertNotNull(ip);
        assertTrue(ip.startsWith(System.getenv().getOrDefault("KUBELET_IT_SUBNET", "10.245.0") + "."), ip);
        assertEquals("127.0.0.1", pod.getStatus().getHostIP());
        assertEquals("BestEffort", pod.getStatus().getQosClass());
        var cs = pod.getStatus().getContainerStatuses().get(0);
        assertTrue(cs.getContainerID().startsWith("containerd://"));
        assertNotNull(cs.getState().getRunning().getStartedAt());
        assertTrue(cs.getReady());

        HttpResponse<String> r = await("http from the pod", () -> get("http://" + ip + ":80/index.html"),
                resp -> resp != null && resp.body().contains("hello-from-pod"));
        assertEquals(200, r.statusCode());

        ContainerLogs logs = new ContainerLogs(cri);
        ContainerLogs.Target target = logs.find(NS, "web", "app", false);
        assertTrue(target.file().startsWith(logDir.resolve(NS + "_web_" + pod.getMetadata().getUid())), target.file().toString());
        StringWriter out = new StringWriter();
        new LogStreamer(target.file(), LogOptions.from(name -> null, Instant.now()))
                .stream(chunk -> { out.write(chunk); return true; }, () -> false);
        assertEquals("hello-log\n", out.toString());
    }

    @Test
    @Order(3)
    void aRestartedKubeletAdoptsRunningPods() {
        Pod before = client.pods().inNamespace(NS).withName("web").get();
        String uid = before.getMetadata().getUid();
        List<String> sandboxes = cri.listPodSandboxes(Map.of("io.kubernetes.pod.uid", uid)).stream()
                .map(s -> s.getId()).toList();
        String containerId = before.getStatus().getContainerStatuses().get(0).getContainerID();
        kubelet.close();
        kubelet = new Kubelet(client, cri, NODE, "127.0.0.1", "10.245.0.0/24", 10250, CriFixture.DIR.resolve("kubelet"), logDir,
                settings());
        kubelet.start();
        await("pods synced", () -> kubelet.podsSynced(), b -> b);
        // give the new kubelet time to sync the pod (relist + informer add)
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertEquals(sandboxes, cri.listPodSandboxes(Map.of("io.kubernetes.pod.uid", uid)).stream()
                .map(s -> s.getId()).toList());
        Pod after = client.pods().inNamespace(NS).withName("web").get();
        assertEquals(containerId, after.getStatus().getContainerStatuses().get(0).getContainerID());
        assertEquals(0, after.getStatus().getContainerStatuses().get(0).getRestartCount());
        assertEquals("Running", after.getStatus().getPhase());
    }

    @Test
    @Order(4)
    void exitedContainerIsRestarted() {
        client.pods().inNamespace(NS).resource(pod("crash", "Always", "echo run; sleep 1; exit 3")).create();
        Pod pod = await("crash restarted", () -> client.pods().inNamespace(NS).withName("crash").get(),
                p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null
                        && p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 1);
        var cs = pod.getStatus().getContainerStatuses().get(0);
        assertNotNull(cs.getLastState().getTerminated(), cs.toString());
        assertEquals(3, cs.getLastState().getTerminated().getExitCode());
        assertEquals("Error", cs.getLastState().getTerminated().getReason());
    }

    @Test
    @Order(5)
    void completedPodSucceeds() {
        client.pods().inNamespace(NS).resource(pod("job", "Never", "echo done")).create();
        Pod pod = await("job succeeded", () -> client.pods().inNamespace(NS).withName("job").get(),
                p -> p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase()));
        var t = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertEquals(0, t.getExitCode());
        assertEquals("Completed", t.getReason());
    }

    @Test
    @Order(6)
    void gracefulDeletionStopsRemovesAndDeletesThePod() throws Exception {
        Pod web = client.pods().inNamespace(NS).withName("web").get();
        String uid = web.getMetadata().getUid();
        assertFalse(cri.listPodSandboxes(Map.of("io.kubernetes.pod.uid", uid)).isEmpty());
        // What the API server does on DELETE of a bound pod: it only marks the pod. The finalizer keeps the mock
        // server (which deletes marked objects at once) from removing it before the kubelet has seen the mark.
        client.pods().inNamespace(NS).resource(new PodBuilder(web).editMetadata()
                .addToFinalizers("kubelet-it/hold")
                .withDeletionTimestamp(Instant.now().toString()).withDeletionGracePeriodSeconds(5L).endMetadata()
                .build()).update();
        await("web gone from the runtime", () -> cri.listPodSandboxes(Map.of("io.kubernetes.pod.uid", uid)),
                List::isEmpty);
        assertTrue(cri.listContainers(Map.of("io.kubernetes.pod.uid", uid)).isEmpty());
        // the kubelet's final DELETE: grace period 0 with the pod's uid as precondition
        boolean deleted = false;
        for (RecordedRequest r; (r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null; ) {
            if ("DELETE".equals(r.getMethod()) && r.getPath().equals("/api/v1/namespaces/default/pods/web")) {
                String body = r.getBody().readUtf8();
                deleted = body.contains("\"gracePeriodSeconds\":0") && body.contains("\"uid\":\"" + uid + "\"");
            }
        }
        assertTrue(deleted, "kubelet sent DELETE with gracePeriodSeconds=0 and a uid precondition");
        client.pods().inNamespace(NS).withName("web").edit(p -> new PodBuilder(p).editMetadata()
                .withFinalizers(List.of()).endMetadata().build());
        await("web gone from the API", () -> client.pods().inNamespace(NS).withName("web").get(), p -> p == null);
    }

    @Test
    @Order(7)
    void forceDeletedPodsAreCleanedUp() {
        client.pods().inNamespace(NS).withName("crash").delete();
        client.pods().inNamespace(NS).withName("job").delete();
        await("no sandbox left", () -> cri.listPodSandboxes(Map.of()), List::isEmpty);
        await("no container left", () -> cri.listContainers(Map.of()), List::isEmpty);
    }

    static boolean isReady(Pod p) {
        if (p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus()) && c.getLastTransitionTime() != null;
            }
        }
        return false;
    }

    static Pod pod(String name, String restartPolicy, String script) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).withUid(java.util.UUID.randomUUID().toString())
                .addToLabels("app", name).endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(5L)
                .addNewContainer().withName("app").withImage("busybox").withImagePullPolicy("IfNotPresent")
                .withCommand("sh", "-c", "mkdir -p /www; " + script).endContainer()
                .endSpec().build();
    }

    static HttpResponse<String> get(String url) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }

    static <T> T await(String what, Supplier<T> get, Predicate<T> done) {
        Instant end = Instant.now().plusSeconds(40);
        T last = null;
        while (Instant.now().isBefore(end)) {
            last = get.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }
}
