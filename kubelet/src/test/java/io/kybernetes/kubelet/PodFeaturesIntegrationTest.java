package io.kybernetes.kubelet;

import static io.kybernetes.kubelet.KubeletIntegrationTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.logs.ContainerLogs;
import io.kybernetes.kubelet.logs.LogOptions;
import io.kybernetes.kubelet.logs.LogStreamer;

/**
 * Everything a pod spec promises, checked on real containers (private containerd fixture, fabric8 mock API server):
 * environment, DNS, resources and security, probes, lifecycle, volumes, image policies and streaming.
 */
@ExtendWith(CriFixture.class)
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodFeaturesIntegrationTest {

    /** Set by the mock extension: answers the kubelet's TokenRequest for the projected serviceAccountToken. */
    static io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;


    static final String NODE = "kubelet-it-features";
    static final String NS = "default";
    static KubernetesClient client;
    static CriClient cri;
    static Kubelet kubelet;
    static Path logDir;

    @BeforeAll
    static void startKubelet() throws Exception {
        cri = new CriClient(CriFixture.socket());
        logDir = CriFixture.DIR.resolve("pods");
        Path resolv = CriFixture.DIR.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver 192.0.2.53\nsearch example.org\noptions edns0\n");
        Kubelet.Settings s = KubeletIntegrationTest.settings();
        s.resolvConf = resolv;
        s.podResync = Duration.ofSeconds(2);
        s.podManifestPath = CriFixture.DIR.resolve("manifests");
        s.staticPodInterval = Duration.ofSeconds(1);
        kubelet = new Kubelet(client, cri, NODE, "127.0.0.1", "10.245.0.0/24", 10250,
                CriFixture.DIR.resolve("kubelet"), logDir, s);
        kubelet.start();
        await("pods synced", () -> kubelet.podsSynced(), b -> b);
    }

    @AfterAll
    static void stopKubelet() {
        if (kubelet != null) {
            for (Pod p : client.pods().inNamespace(NS).list().getItems()) {
                client.pods().inNamespace(NS).resource(p).delete();
            }
            try {
                await("no sandbox left", () -> cri.listPodSandboxes(Map.of()), List::isEmpty);
            } finally {
                kubelet.close();
                cri.close();
            }
        }
    }

    static PodBuilder pod(String name, String restartPolicy, String script) {
        return new PodBuilder(KubeletIntegrationTest.pod(name, restartPolicy, script)).editSpec().withNodeName(NODE)
                .endSpec();
    }

    static Pod create(Pod p) {
        return client.pods().inNamespace(NS).resource(p).create();
    }

    static Pod get(String name) {
        return client.pods().inNamespace(NS).withName(name).get();
    }

    static ContainerStatus status(Pod p, String container) {
        if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return p.getStatus().getContainerStatuses().stream().filter(s -> container.equals(s.getName())).findFirst()
                .orElse(null);
    }

    static Pod awaitPhase(String name, String phase) {
        return await(name + " " + phase, () -> get(name),
                p -> p != null && p.getStatus() != null && phase.equals(p.getStatus().getPhase()));
    }

    static String log(String pod, String container, boolean previous) throws Exception {
        ContainerLogs.Target target = new ContainerLogs(cri).find(NS, pod, container, previous);
        StringWriter out = new StringWriter();
        new LogStreamer(target.file(), LogOptions.from(n -> null, Instant.now()))
                .stream(chunk -> { out.write(chunk); return true; }, () -> false);
        return out.toString();
    }

    @Test
    @Order(1)
    void environmentDnsResourcesAndSecurity() throws Exception {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cfg")
                .endMetadata().addToData("color", "blue").build()).create();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("sec")
                .endMetadata().addToStringData("password", "s3cret").build()).create();
        Pod p = pod("env", "Never", "echo POD=$POD_NAME MEM=$MEM CM=$CM S=$S_password; echo ARG=$(FOO) '$$(FOO)';"
                + " cat /etc/resolv.conf; echo LIMIT=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes);"
                + " echo UID=$(busybox id -u) GROUPS=$(busybox id -G);"
                + " busybox touch /rootfs-file 2>/dev/null && echo ROOTFS=rw || echo ROOTFS=ro")
                .editSpec().editFirstContainer()
                .addNewEnv().withName("FOO").withValue("bar").endEnv()
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                .endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("MEM").withNewValueFrom().withNewResourceFieldRef().withResource("limits.memory")
                .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("CM").withNewValueFrom().withNewConfigMapKeyRef().withName("cfg").withKey("color")
                .endConfigMapKeyRef().endValueFrom().endEnv()
                .addNewEnvFrom().withPrefix("S_").withNewSecretRef().withName("sec").endSecretRef().endEnvFrom()
                .withNewResources().addToLimits("memory", new Quantity("64Mi")).addToLimits("cpu", new Quantity("500m"))
                .endResources()
                .withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(3000L).withReadOnlyRootFilesystem(true)
                .endSecurityContext()
                .endContainer().withNewSecurityContext().withSupplementalGroups(4000L).endSecurityContext()
                .endSpec().build();
        create(p);
        Pod done = awaitPhase("env", "Succeeded");
        assertEquals("Guaranteed", done.getStatus().getQosClass());
        String out = log("env", "app", false);
        assertTrue(out.contains("POD=env MEM=64 CM=blue S=s3cret\n"), out);
        assertTrue(out.contains("ARG=bar $(FOO)\n"), out);
        assertTrue(out.contains("nameserver 10.96.0.10\n"), out);
        assertTrue(out.contains("search default.svc.cluster.local svc.cluster.local cluster.local example.org\n"), out);
        assertTrue(out.contains("options ndots:5\n"), out);
        assertTrue(out.contains("LIMIT=67108864\n"), out);
        assertTrue(out.contains("UID=1000 GROUPS=3000 4000\n"), out);
        assertTrue(out.contains("ROOTFS=ro\n"), out);
    }

    @Test
    @Order(2)
    void missingConfigMapWaitsWithCreateContainerConfigError() {
        create(pod("late", "Never", "echo VALUE=$LATE")
                .editSpec().editFirstContainer().addNewEnv().withName("LATE").withNewValueFrom()
                .withNewConfigMapKeyRef().withName("late").withKey("k").endConfigMapKeyRef().endValueFrom().endEnv()
                .endContainer().endSpec().build());
        Pod p = await("CreateContainerConfigError", () -> get("late"), x -> status(x, "app") != null
                && status(x, "app").getState().getWaiting() != null
                && "CreateContainerConfigError".equals(status(x, "app").getState().getWaiting().getReason()));
        assertEquals("configmap \"late\" not found", status(p, "app").getState().getWaiting().getMessage());
        assertEquals("Pending", p.getStatus().getPhase());
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("late")
                .endMetadata().addToData("k", "now").build()).create();
        awaitPhase("late", "Succeeded");
    }

    static List<String> events(String pod) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName()))
                .map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    @Test
    @Order(3)
    void startupProbeGatesLivenessWhichRestartsTheContainer() {
        create(pod("probed", "Always", "echo ok > /tmp/alive; sleep 3; echo > /tmp/started; sleep 3;"
                + " busybox rm /tmp/alive; exec sleep 1000")
                .editSpec().editFirstContainer()
                .withNewStartupProbe().withNewExec().withCommand("cat", "/tmp/started").endExec().withPeriodSeconds(1)
                .withFailureThreshold(30).endStartupProbe()
                .withNewLivenessProbe().withNewExec().withCommand("cat", "/tmp/alive").endExec().withPeriodSeconds(1)
                .withFailureThreshold(2).withTimeoutSeconds(2).endLivenessProbe()
                .endContainer().endSpec().build());
        Pod running = await("probed running, not started", () -> get("probed"), p -> status(p, "app") != null
                && status(p, "app").getState().getRunning() != null);
        assertEquals(false, status(running, "app").getStarted());
        await("probed started", () -> get("probed"), p -> Boolean.TRUE.equals(status(p, "app").getStarted()));
        Pod restarted = await("probed restarted", () -> get("probed"), p -> status(p, "app").getRestartCount() >= 1);
        assertEquals(137, status(restarted, "app").getLastState().getTerminated().getExitCode());
        List<String> ev = events("probed");
        assertTrue(ev.stream().anyMatch(e -> e.startsWith("Unhealthy: Startup probe failed: ")), ev.toString());
        assertTrue(ev.stream().anyMatch(e -> e.startsWith("Unhealthy: Liveness probe failed: ")), ev.toString());
        assertTrue(ev.contains("Killing: Container app failed liveness probe, will be restarted"), ev.toString());
    }

    @Test
    @Order(4)
    void hooksTerminationMessagesAndOomKill() throws Exception {
        Path host = CriFixture.DIR.resolve("host");
        Files.createDirectories(host);
        create(pod("hooks", "Never", "sleep 1; cat /tmp/poststart; echo bye > /dev/termination-log; exit 3")
                .editSpec().editFirstContainer().withNewLifecycle().withNewPostStart().withNewExec()
                .withCommand("sh", "-c", "echo post-start-ran > /tmp/poststart").endExec().endPostStart()
                .endLifecycle().endContainer()
                .addNewContainer().withName("fallback").withImage("busybox").withImagePullPolicy("IfNotPresent")
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withCommand("sh", "-c", "echo last-words; exit 1").endContainer()
                .addNewContainer().withName("hog").withImage("busybox").withImagePullPolicy("IfNotPresent")
                .withNewResources().addToLimits("memory", new Quantity("16Mi")).endResources()
                .withCommand("sh", "-c", "x=$(busybox head -c 67108864 /dev/zero | busybox tr '\\0' a); echo survived")
                .endContainer().endSpec().build());
        Pod p = awaitPhase("hooks", "Failed");
        var app = status(p, "app").getState().getTerminated();
        assertEquals(3, app.getExitCode());
        assertEquals("Error", app.getReason());
        assertEquals("bye\n", app.getMessage());
        assertEquals("post-start-ran\n", log("hooks", "app", false));
        var fallback = status(p, "fallback").getState().getTerminated();
        assertEquals("last-words\n", fallback.getMessage());
        var hog = status(p, "hog").getState().getTerminated();
        assertEquals("OOMKilled", hog.getReason(), hog.toString());
        assertEquals(137, hog.getExitCode());
    }

    @Test
    @Order(5)
    void preStopRunsOnGracefulDeletion() throws Exception {
        Path host = CriFixture.DIR.resolve("host");
        Files.createDirectories(host);
        create(pod("stopper", "Always", "trap 'exit 0' TERM; while true; do sleep 1; done")
                .editSpec().addNewVolume().withName("host").withNewHostPath().withPath(host.toString()).endHostPath()
                .endVolume().editFirstContainer().addNewVolumeMount().withName("host").withMountPath("/host")
                .endVolumeMount().withNewLifecycle().withNewPreStop().withNewExec()
                .withCommand("sh", "-c", "echo pre-stop-ran > /host/prestop").endExec().endPreStop().endLifecycle()
                .endContainer().endSpec().build());
        Pod p = awaitPhase("stopper", "Running");
        String uid = p.getMetadata().getUid();
        client.pods().inNamespace(NS).resource(new PodBuilder(p).editMetadata()
                .addToFinalizers("kubelet-it/hold").withDeletionTimestamp(Instant.now().toString())
                .withDeletionGracePeriodSeconds(10L).endMetadata().build()).update();
        await("stopper gone from the runtime", () -> cri.listPodSandboxes(Map.of("io.kubernetes.pod.uid", uid)),
                List::isEmpty);
        assertEquals("pre-stop-ran\n", Files.readString(host.resolve("prestop")));
        client.pods().inNamespace(NS).withName("stopper").edit(x -> new PodBuilder(x).editMetadata()
                .withFinalizers(List.of()).endMetadata().build());
    }

    static String exec(String pod, String container, String... cmd) {
        String id = status(get(pod), container).getContainerID().replaceFirst("^containerd://", "");
        var r = cri.execSyncOutput(id, List.of(cmd), 5);
        return r.getStdout().toStringUtf8() + r.getStderr().toStringUtf8();
    }

    @Test
    @Order(6)
    void volumesProjectLiveUpdateTmpfsSubPathAndClaims() throws Exception {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("vol-cm")
                .endMetadata().addToData("color", "blue").build()).create();
        Path pvDir = CriFixture.DIR.resolve("pv");
        client.persistentVolumes().resource(new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder()
                .withNewMetadata().withName("pv1").endMetadata().withNewSpec().withNewHostPath()
                .withPath(pvDir.toString()).withType("DirectoryOrCreate").endHostPath()
                .addToCapacity("storage", new Quantity("1Gi")).endSpec().build()).create();
        client.persistentVolumeClaims().inNamespace(NS).resource(
                new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder().withNewMetadata().withName("claim")
                        .endMetadata().withNewSpec().withVolumeName("pv1").endSpec().build()).create();
        // the mock API has no TokenRequest: answer the kubelet's request for the projected token
        server.expect().post().withPath("/api/v1/namespaces/" + NS + "/serviceaccounts/default/token")
                .andReturn(201, new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec()
                        .withExpirationSeconds(3600L).endSpec().withNewStatus().withToken("header.claims.signature")
                        .withExpirationTimestamp(java.time.Instant.now().plusSeconds(3600).toString()).endStatus()
                        .build()).always();
        create(pod("vols", "Always", "echo from-pod > /data/written; exec sleep 1000")
                .editSpec()
                .withNewSecurityContext().withFsGroup(2000L).endSecurityContext()
                .addNewVolume().withName("cfg").withNewConfigMap().withName("vol-cm").addNewItem().withKey("color")
                .withPath("colors/c.txt").withMode(0600).endItem().endConfigMap().endVolume()
                .addNewVolume().withName("sec").withNewSecret().withSecretName("sec").withDefaultMode(0400).endSecret()
                .endVolume()
                .addNewVolume().withName("info").withNewDownwardAPI()
                .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
                .addNewItem().withPath("mem").withNewResourceFieldRef().withContainerName("app")
                .withResource("limits.memory").withDivisor(new Quantity("1Mi")).endResourceFieldRef().endItem()
                .endDownwardAPI().endVolume()
                .addNewVolume().withName("proj").withNewProjected()
                .addNewSource().withNewConfigMap().withName("vol-cm").endConfigMap().endSource()
                .addNewSource().withNewDownwardAPI().addNewItem().withPath("name").withNewFieldRef()
                .withFieldPath("metadata.name").endFieldRef().endItem().endDownwardAPI().endSource()
                .addNewSource().withNewServiceAccountToken().withPath("token").endServiceAccountToken().endSource()
                .endProjected().endVolume()
                .addNewVolume().withName("mem").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("8Mi"))
                .endEmptyDir().endVolume()
                .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("claim")
                .endPersistentVolumeClaim().endVolume()
                .editFirstContainer()
                .withNewResources().addToLimits("memory", new Quantity("32Mi")).endResources()
                .addNewVolumeMount().withName("cfg").withMountPath("/cfg").endVolumeMount()
                .addNewVolumeMount().withName("sec").withMountPath("/sec").endVolumeMount()
                .addNewVolumeMount().withName("info").withMountPath("/info").endVolumeMount()
                .addNewVolumeMount().withName("proj").withMountPath("/proj").endVolumeMount()
                .addNewVolumeMount().withName("mem").withMountPath("/mem").endVolumeMount()
                .addNewVolumeMount().withName("scratch").withMountPath("/sub").withSubPath("nested/dir").endVolumeMount()
                .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                .endContainer().endSpec().build());
        Pod p = awaitPhase("vols", "Running");
        assertEquals("blue", exec("vols", "app", "cat", "/cfg/colors/c.txt"));
        assertTrue(exec("vols", "app", "busybox", "stat", "-L", "-c", "%a %g", "/cfg/colors/c.txt")
                .startsWith("600 2000"));
        assertEquals("s3cret", exec("vols", "app", "cat", "/sec/password"));
        assertTrue(exec("vols", "app", "busybox", "stat", "-L", "-c", "%a", "/sec/password").startsWith("400"));
        assertEquals("app=\"vols\"", exec("vols", "app", "cat", "/info/labels"));
        assertEquals("32", exec("vols", "app", "cat", "/info/mem"));
        assertEquals("blue", exec("vols", "app", "cat", "/proj/color"));
        assertEquals("vols", exec("vols", "app", "cat", "/proj/name"));
        assertEquals("header.claims.signature", exec("vols", "app", "cat", "/proj/token"));
        String mounts = exec("vols", "app", "cat", "/proc/mounts");
        assertTrue(mounts.lines().anyMatch(l -> l.startsWith("tmpfs /mem tmpfs") && l.contains("size=8192k")), mounts);
        assertTrue(exec("vols", "app", "busybox", "stat", "-c", "%g", "/mem").startsWith("2000"));
        exec("vols", "app", "sh", "-c", "echo in-sub > /sub/f");
        Path podDir = CriFixture.DIR.resolve("kubelet/pods").resolve(p.getMetadata().getUid());
        assertEquals("in-sub\n", Files.readString(podDir.resolve("volumes/kubernetes.io~empty-dir/scratch/nested/dir/f")));
        assertEquals("from-pod\n", Files.readString(pvDir.resolve("written")));

        client.configMaps().inNamespace(NS).withName("vol-cm").edit(cm -> new ConfigMapBuilder(cm)
                .addToData("color", "red").build());
        await("configMap update reaches the pod", () -> exec("vols", "app", "cat", "/cfg/colors/c.txt"),
                "red"::equals);
        await("projected update reaches the pod", () -> exec("vols", "app", "cat", "/proj/color"), "red"::equals);

        client.pods().inNamespace(NS).withName("vols").withGracePeriod(0).delete();
        await("vols cleaned up", () -> Files.exists(podDir), exists -> !exists);
    }

    static String waitingReason(Pod p) {
        ContainerStatus cs = status(p, "app");
        return cs == null || cs.getState().getWaiting() == null ? null : cs.getState().getWaiting().getReason();
    }

    @Test
    @Order(7)
    void imagePullPolicies() {
        List<io.fabric8.kubernetes.api.model.ContainerStateWaiting> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        var watch = client.pods().inNamespace(NS).withName("badimg").watch(new io.fabric8.kubernetes.client.Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                ContainerStatus cs = status(pod, "app");
                if (cs != null && cs.getState() != null && cs.getState().getWaiting() != null) {
                    seen.add(cs.getState().getWaiting());
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        });
        create(new PodBuilder(pod("badimg", "Always", "true").build()).editSpec().editFirstContainer()
                .withImage("no-such-image:1").withImagePullPolicy("IfNotPresent").endContainer().endSpec().build());
        create(new PodBuilder(pod("neverpull", "Always", "true").build()).editSpec().editFirstContainer()
                .withImage("absent-image:1").withImagePullPolicy("Never").endContainer().endSpec().build());
        create(new PodBuilder(pod("always", "Always", "exec sleep 1000").build()).editSpec().editFirstContainer()
                .withImagePullPolicy("Always").endContainer().endSpec().build());
        // ErrImagePull lasts only until the next sync turns it into ImagePullBackOff: watch every status update
        // rather than sampling whatever status happens to be current
        await("ErrImagePull seen", () -> seen.stream().filter(w -> "ErrImagePull".equals(w.getReason())).findFirst(),
                java.util.Optional::isPresent).ifPresent(w -> assertTrue(
                        w.getMessage().startsWith("failed to pull image \"no-such-image:1\""), w.getMessage()));
        Pod bad = await("ImagePullBackOff", () -> get("badimg"), p -> "ImagePullBackOff".equals(waitingReason(p)));
        assertEquals("Back-off pulling image \"no-such-image:1\"", status(bad, "app").getState().getWaiting()
                .getMessage());
        Pod never = await("ErrImageNeverPull", () -> get("neverpull"), p -> "ErrImageNeverPull".equals(waitingReason(p)));
        assertEquals("Container image \"absent-image:1\" is not present with pull policy of Never",
                status(never, "app").getState().getWaiting().getMessage());
        awaitPhase("always", "Running");
        List<String> ev = events("always");
        assertTrue(ev.contains("Pulling: Pulling image \"busybox\""), ev.toString());
        List<String> badEv = events("badimg");
        assertTrue(badEv.stream().anyMatch(e -> e.startsWith("Failed: Failed to pull image \"no-such-image:1\"")),
                badEv.toString());
        assertTrue(badEv.contains("BackOff: Back-off pulling image \"no-such-image:1\""), badEv.toString());
        watch.close();
        for (String n : List.of("badimg", "neverpull", "always")) {
            client.pods().inNamespace(NS).withName(n).withGracePeriod(0).delete();
        }
    }

    /** A WebSocket client speaking the channel protocol: collects each channel's bytes until the server closes. */
    static final class ChannelListener implements java.net.http.WebSocket.Listener {
        final Map<Integer, java.io.ByteArrayOutputStream> channels = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        private final java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();

        @Override
        public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws, java.nio.ByteBuffer data,
                                                                  boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            message.writeBytes(b);
            if (last) {
                byte[] m = message.toByteArray();
                message.reset();
                if (m.length > 0) {
                    channels.computeIfAbsent(m[0] & 0xff, k -> new java.io.ByteArrayOutputStream())
                            .writeBytes(java.util.Arrays.copyOfRange(m, 1, m.length));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        String channel(int n) {
            var b = channels.get(n);
            return b == null ? "" : b.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    @Order(8)
    void execOverWebSocketThroughTheKubeletPort() throws Exception {
        create(pod("shell", "Always", "exec sleep 1000").build());
        awaitPhase("shell", "Running");
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        var proxy = new io.kybernetes.kubelet.streaming.StreamingProxy(vertx, () -> cri);
        try {
            var router = io.vertx.ext.web.Router.router(vertx);
            proxy.register(router);
            var server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            int port = server.actualPort();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

            ChannelListener l = new ChannelListener();
            http.newWebSocketBuilder().subprotocols("v4.channel.k8s.io")
                    .buildAsync(java.net.URI.create("ws://127.0.0.1:" + port + "/exec/" + NS
                            + "/shell/app?command=echo&command=hi&stdout=1&stderr=1"), l)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            l.closed.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("hi\n", l.channel(1));
            assertTrue(l.channel(3).contains("Success"), l.channel(3));

            ChannelListener err = new ChannelListener();
            http.newWebSocketBuilder().subprotocols("v4.channel.k8s.io")
                    .buildAsync(java.net.URI.create("ws://127.0.0.1:" + port + "/exec/" + NS
                            + "/shell/app?command=sh&command=-c&command=echo%20oops%20%3E%262%3B%20exit%207"
                            + "&stdout=1&stderr=1"), err)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            err.closed.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("oops\n", err.channel(2));
            assertTrue(err.channel(3).contains("\"ExitCode\"") && err.channel(3).contains("\"7\""), err.channel(3));

            var notFound = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                    + "/exec/" + NS + "/nope/app?command=true")).header("X-Stream-Protocol-Version", "v4.channel.k8s.io")
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(400, notFound.statusCode(), "a plain GET is not an upgrade");

            var stats = new io.kybernetes.kubelet.stats.StatsSummary(cri, NODE);
            stats.summary();
            Thread.sleep(1100);
            var summary = stats.summary();
            assertEquals(NODE, summary.get("node").get("nodeName").asText());
            assertTrue(summary.get("node").get("memory").get("workingSetBytes").asLong() > 0, summary.toString());
            var shell = java.util.stream.StreamSupport.stream(summary.get("pods").spliterator(), false)
                    .filter(pd -> "shell".equals(pd.get("podRef").get("name").asText())).findFirst().orElseThrow();
            assertEquals("app", shell.get("containers").get(0).get("name").asText());
            assertTrue(shell.get("memory").get("workingSetBytes").asLong() > 0, shell.toString());
            assertTrue(shell.get("cpu").get("usageCoreNanoSeconds").asLong() > 0, shell.toString());
        } finally {
            proxy.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(9)
    void staticPodsGetMirrorPods() throws Exception {
        Path dir = CriFixture.DIR.resolve("manifests");
        Files.createDirectories(dir);
        Path manifest = dir.resolve("static-web.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: static-web
                  labels: {app: static}
                spec:
                  containers:
                  - name: app
                    image: busybox
                    imagePullPolicy: IfNotPresent
                    command: ["sh", "-c", "exec sleep 1000"]
                """);
        String name = "static-web-" + NODE;
        Pod p = awaitPhase(name, "Running");
        assertEquals("file", p.getMetadata().getAnnotations().get("kubernetes.io/config.source"));
        assertEquals(NODE, p.getSpec().getNodeName());
        String uid = p.getMetadata().getUid();
        Files.delete(manifest);
        await("mirror pod deleted", () -> get(name), x -> x == null);
        await("static pod stopped", () -> cri.listPodSandboxes(Map.of("io.kubernetes.pod.uid", uid)), List::isEmpty);
    }

    @Test
    @Order(10)
    void initContainersRunInOrderAndRestartOnFailure() throws Exception {
        create(pod("init", "OnFailure", "cat /work/order")
                .editSpec().addNewVolume().withName("work").withNewEmptyDir().endEmptyDir().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount()
                .endContainer()
                .addNewInitContainer().withName("first").withImage("busybox").withImagePullPolicy("IfNotPresent")
                .withCommand("sh", "-c", "if [ -f /work/tried ]; then echo first >> /work/order;"
                        + " else echo > /work/tried; exit 1; fi")
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount().endInitContainer()
                .addNewInitContainer().withName("second").withImage("busybox").withImagePullPolicy("IfNotPresent")
                .withCommand("sh", "-c", "echo second >> /work/order")
                .addNewVolumeMount().withName("work").withMountPath("/work").endVolumeMount().endInitContainer()
                .endSpec().build());
        Pod p = awaitPhase("init", "Succeeded");
        var inits = p.getStatus().getInitContainerStatuses();
        assertEquals(List.of("first", "second"), inits.stream().map(ContainerStatus::getName).toList());
        assertEquals(1, inits.get(0).getRestartCount());
        assertEquals(1, inits.get(0).getLastState().getTerminated().getExitCode());
        assertEquals("Completed", inits.get(0).getState().getTerminated().getReason());
        assertEquals("Completed", inits.get(1).getState().getTerminated().getReason());
        assertTrue(p.getStatus().getConditions().stream()
                .anyMatch(c -> "Initialized".equals(c.getType()) && "True".equals(c.getStatus())));
        assertEquals("first\nsecond\n", log("init", "app", false));
    }
}
