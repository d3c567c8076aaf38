package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 7, Done-when 1: what a pod spec promises, on real containers, as a user sees it through kubectl (get,
 * jsonpath, describe, logs) and through the pods' own output. Every scenario pod of pods/scenarios.yaml is created
 * at once so that they start in parallel; each test looks at its own pod, so tests are independent of one another.
 * A scratch directory on the host (hostPath) lets pods leave traces that outlive them (SIGTERM traps, preStop hooks).
 */
@Tag("node")
class PodScenariosTest {

    private static final String NS = "podsuite";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOST = Path.of("/tmp/podsuite-e2e");
    private static final Path STATIC_DIR = Path.of(System.getProperty("e2e.staticPodDir", "/etc/kybernetes/manifests"));
    private static final Path STATIC_MANIFEST = STATIC_DIR.resolve("podsuite-static.yaml");
    private static final Duration START = Duration.ofSeconds(120);
    private static String node;
    private static String nodeIp;

    @BeforeAll
    static void createEveryScenarioPod() throws IOException {
        kubectl(Duration.ofSeconds(150), "delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s");
        kubectl("delete", "pv", "podsuite-pv", "--ignore-not-found").ok();
        deleteRecursively(HOST);
        Files.createDirectories(HOST);
        Files.writeString(HOST.resolve("from-host.txt"), "written-by-the-test\n");
        Files.writeString(HOST.resolve("ready-flag"), "ready\n");
        node = kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
        nodeIp = kubectl("get", "node", node, "-o",
                "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}").ok().out().trim();
        kubectl("create", "namespace", NS).ok();
        Path manifest = Files.createTempFile("podsuite", ".yaml");
        Files.writeString(manifest, resource("pods/scenarios.yaml").replace("HOSTDIR", HOST.toString()));
        kubectl(Duration.ofSeconds(120), "-n", NS, "apply", "-f", manifest.toString()).ok();
        Files.delete(manifest);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Files.deleteIfExists(STATIC_MANIFEST);
        kubectl(Duration.ofSeconds(120), "-n", NS, "delete", "pods", "--all", "--grace-period=0", "--force");
        kubectl(Duration.ofSeconds(150), "delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s");
        kubectl("delete", "pv", "podsuite-pv", "--ignore-not-found");
        String inNs = "labels.\"io.kubernetes.pod.namespace\"==" + NS;
        eventually(Duration.ofSeconds(60), () -> Cli.ctr("containers", "ls", "-q", inNs).ok().out(), String::isBlank);
        deleteRecursively(HOST);
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    @Test
    void initContainersRunInOrderBeforeTheMainContainer() {
        awaitPhase("init-order", "Running");
        assertEquals("first\nsecond\nmain", awaitLogs("init-order", "main", s -> s.contains("main")).trim());
        assertEquals("Completed Completed",
                jp("init-order", "{.status.initContainerStatuses[*].state.terminated.reason}"));
        assertEquals("True", condition("init-order", "Initialized"));
    }

    @Test
    void aFailingInitContainerIsRetriedUntilItSucceeds() {
        awaitPhase("init-retry", "Running");
        JsonNode init = pod("init-retry").path("status").path("initContainerStatuses").get(0);
        assertEquals(1, init.path("restartCount").asInt(), init.toString());
        assertEquals("Completed", init.path("state").path("terminated").path("reason").asText(), init.toString());
        assertEquals("main-started", logs("init-retry", "main").trim());
    }

    @Test
    void aFailingInitContainerWithRestartNeverFailsThePodAndTheMainContainerNeverRuns() {
        awaitPhase("init-never", "Failed");
        JsonNode st = pod("init-never").path("status");
        JsonNode init = st.path("initContainerStatuses").get(0);
        assertEquals(7, init.path("state").path("terminated").path("exitCode").asInt(), st.toString());
        assertEquals("Error", init.path("state").path("terminated").path("reason").asText(), st.toString());
        assertEquals("PodInitializing", st.path("containerStatuses").get(0).path("state").path("waiting").path("reason").asText(),
                st.toString());
        assertEquals("Init:Error", statusColumn("init-never"));
    }

    @Test
    void restartPolicyAlwaysRestartsAContainerThatExitedWithZero() {
        JsonNode cs = awaitContainer("always-completed", "main", c -> c.path("restartCount").asInt() >= 1);
        JsonNode last = cs.path("lastState").path("terminated");
        assertEquals("Completed", last.path("reason").asText(), cs.toString());
        assertEquals(0, last.path("exitCode").asInt(), cs.toString());
        assertEquals("Running", jp("always-completed", "{.status.phase}"));
    }

    @Test
    void restartPolicyOnFailureLeavesASuccessfulContainerDone() {
        awaitPhase("onfailure-ok", "Succeeded");
        JsonNode cs = container("onfailure-ok", "main");
        assertEquals(0, cs.path("restartCount").asInt(), cs.toString());
        assertEquals("Completed", cs.path("state").path("terminated").path("reason").asText(), cs.toString());
        assertEquals("Completed", statusColumn("onfailure-ok"));
        JsonNode ready = conditionNode("onfailure-ok", "Ready");
        assertEquals("False", ready.path("status").asText(), ready.toString());
        assertEquals("PodCompleted", ready.path("reason").asText(), ready.toString());
    }

    @Test
    void restartPolicyOnFailureRestartsAFailedContainerUntilItSucceeds() {
        awaitPhase("onfailure-retry", "Succeeded");
        JsonNode cs = container("onfailure-retry", "main");
        assertEquals(1, cs.path("restartCount").asInt(), cs.toString());
        assertEquals(3, cs.path("lastState").path("terminated").path("exitCode").asInt(), cs.toString());
        assertEquals("Error", cs.path("lastState").path("terminated").path("reason").asText(), cs.toString());
        assertEquals("recovered", logs("onfailure-retry", "main").trim());
        // no `logs --previous` here: once the pod has finished, both instances are dead and container GC keeps only
        // the newest (upstream's MaxPerPodContainer 1, every minute), so the previous log may go at any moment
    }

    @Test
    void logsPreviousShowsTheFailedInstanceWhileTheRestartedOneRuns() {
        JsonNode cs = awaitContainer("onfailure-previous", "main",
                c -> c.path("restartCount").asInt() == 1 && c.path("state").has("running"));
        assertEquals(3, cs.path("lastState").path("terminated").path("exitCode").asInt(), cs.toString());
        assertEquals("recovered", eventually(Duration.ofSeconds(10), () -> logs("onfailure-previous", "main").trim(),
                l -> !l.isEmpty()));
        assertEquals("failing", kubectl("-n", NS, "logs", "onfailure-previous", "--previous").ok().out().trim());
    }

    @Test
    void restartPolicyNeverKeepsTheExitCodeAndFailsThePod() {
        awaitPhase("never-error", "Failed");
        JsonNode cs = container("never-error", "main");
        JsonNode term = cs.path("state").path("terminated");
        assertEquals(3, term.path("exitCode").asInt(), cs.toString());
        assertEquals("Error", term.path("reason").asText(), cs.toString());
        assertEquals(0, cs.path("restartCount").asInt());
        assertFalse(term.path("startedAt").asText().isEmpty(), cs.toString());
        assertFalse(term.path("finishedAt").asText().isEmpty(), cs.toString());
        assertEquals("Error", statusColumn("never-error"));
        assertEquals("oops", logs("never-error", "main").trim());
    }

    @Test
    void aCrashingContainerGoesIntoCrashLoopBackOffWithADoublingDelay() {
        // upstream's back-off: the first restart is immediate, then 10 s, 20 s, 40 s ... (date +%s: 1 s resolution).
        // The pod starts among all the others, so its first restarts may also wait for a busy pod worker: the
        // first two gaps only have to grow; the later ones, on a quiet node, must be upstream's 20 s and 40 s.
        List<Long> t = eventually(Duration.ofSeconds(180), PodScenariosTest::starts, s -> s.size() >= 5);
        long g1 = t.get(1) - t.get(0);
        long g2 = t.get(2) - t.get(1);
        long g3 = t.get(3) - t.get(2);
        long g4 = t.get(4) - t.get(3);
        assertTrue(g1 <= g2 && g2 < g3 && g3 < g4, "the delay grows: " + t);
        assertTrue(g2 >= 9, "10 s back-off: " + t);
        assertTrue(g3 >= 19 && g3 <= 27, "20 s back-off: " + t);
        assertTrue(g4 >= 39 && g4 <= 48, "40 s back-off: " + t);
        String status = eventually(Duration.ofSeconds(30), () -> statusColumn("crashloop"), s -> s.equals("CrashLoopBackOff"));
        assertEquals("CrashLoopBackOff", status);
        JsonNode cs = container("crashloop", "main");
        assertTrue(cs.path("restartCount").asInt() >= 4, cs.toString());
        assertEquals("CrashLoopBackOff", cs.path("state").path("waiting").path("reason").asText(), cs.toString());
        assertEquals(1, cs.path("lastState").path("terminated").path("exitCode").asInt(), cs.toString());
        assertTrue(describe("crashloop").contains("Back-off restarting failed container"));
    }

    private static List<Long> starts() {
        try {
            Path f = HOST.resolve("crashloop.starts");
            return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList()
                    : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deletionSendsSigtermAndAContainerThatExitsIsGoneBeforeTheGracePeriod() throws IOException {
        awaitPhase("grace-term", "Running");
        eventually(Duration.ofSeconds(10), () -> hostFile("grace-term"), s -> s.contains("up"));
        long t0 = System.nanoTime();
        kubectl(Duration.ofSeconds(90), "-n", NS, "delete", "pod", "grace-term", "--wait=true").ok();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(hostFile("grace-term").contains("TERM"), hostFile("grace-term"));
        assertTrue(ms < 15_000, "a container that exits on SIGTERM took " + ms + " ms to go (grace 30 s)");
    }

    @Test
    void aContainerIgnoringSigtermIsKilledAfterTheGracePeriod() throws IOException {
        awaitPhase("grace-kill", "Running");
        eventually(Duration.ofSeconds(10), () -> hostFile("grace-kill"), s -> s.contains("up"));
        long t0 = System.nanoTime();
        kubectl(Duration.ofSeconds(90), "-n", NS, "delete", "pod", "grace-kill", "--wait=true").ok();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(hostFile("grace-kill").contains("TERM-ignored"), hostFile("grace-kill"));
        assertTrue(ms >= 3_500 && ms < 20_000, "grace period 4 s, deletion took " + ms + " ms");
    }

    @Test
    void execHooksRunAfterStartAndBeforeStop() throws IOException {
        awaitPhase("hooks-exec", "Running");
        assertEquals("poststart-ran", awaitLogs("hooks-exec", "main", s -> !s.isBlank()).trim());
        kubectl(Duration.ofSeconds(90), "-n", NS, "delete", "pod", "hooks-exec", "--wait=true").ok();
        assertEquals("prestop-ran", hostFile("hooks-exec").trim());
    }

    @Test
    void httpGetHooksCallTheirServer() throws IOException {
        awaitCondition("hook-server", "Ready", "True");
        String serverIp = jp("hook-server", "{.status.podIP}");
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: hooks-http}
                spec:
                  terminationGracePeriodSeconds: 10
                  containers:
                  - name: main
                    image: busybox
                    command: [sh, -c, "exec sleep 3600"]
                    lifecycle:
                      postStart: {httpGet: {host: "IP", port: 8080, path: /poststart-hook}}
                      preStop: {httpGet: {host: "IP", port: 8080, path: /prestop-hook}}
                """.replace("IP", serverIp);
        apply(manifest);
        awaitPhase("hooks-http", "Running");
        awaitLogs("hook-server", "httpd", s -> s.contains("url:/poststart-hook"));
        assertFalse(logs("hook-server", "httpd").contains("url:/prestop-hook"));
        kubectl(Duration.ofSeconds(90), "-n", NS, "delete", "pod", "hooks-http", "--wait=true").ok();
        assertTrue(logs("hook-server", "httpd").contains("url:/prestop-hook"), logs("hook-server", "httpd"));
    }

    @Test
    void theTerminationMessageComesFromTheMessageFile() {
        awaitPhase("termmsg-file", "Succeeded");
        JsonNode term = container("termmsg-file", "main").path("state").path("terminated");
        assertEquals("bye from file", term.path("message").asText(), term.toString());
        assertEquals("Completed", term.path("reason").asText());
    }

    @Test
    void fallbackToLogsOnErrorUsesTheLogTailAsTheMessage() {
        awaitPhase("termmsg-fallback", "Failed");
        JsonNode term = container("termmsg-fallback", "main").path("state").path("terminated");
        assertTrue(term.path("message").asText().contains("fatal: disk on fire"), term.toString());
        assertEquals(2, term.path("exitCode").asInt());
    }

    @Test
    void aContainerOverItsMemoryLimitIsOomKilled() {
        awaitPhase("oom", "Failed");
        JsonNode term = container("oom", "main").path("state").path("terminated");
        assertEquals("OOMKilled", term.path("reason").asText(), term.toString());
        assertEquals(137, term.path("exitCode").asInt(), term.toString());
        assertEquals("OOMKilled", statusColumn("oom"));
    }

    @Test
    void aRunningPodHasAllFourConditionsTrueAndItsAddresses() {
        awaitCondition("hostport", "Ready", "True");
        JsonNode st = pod("hostport").path("status");
        assertEquals("Running", st.path("phase").asText());
        for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
            JsonNode c = conditionNode("hostport", type);
            assertEquals("True", c.path("status").asText(), type + ": " + st);
            assertFalse(c.path("lastTransitionTime").asText().isEmpty(), type + ": " + st);
        }
        assertTrue(st.path("podIP").asText().startsWith("10.244."), st.toString());
        assertEquals(st.path("podIP").asText(), st.path("podIPs").get(0).path("ip").asText());
        assertEquals(nodeIp, st.path("hostIP").asText());
        assertFalse(st.path("startTime").asText().isEmpty());
        assertEquals("1/1", readyColumn("hostport"));
    }

    @Test
    void aPodWaitingForItsImageIsPendingAndNotReady() {
        eventually(START, () -> waitingReason("pull-missing", "main"), r -> !r.isEmpty());
        assertEquals("Pending", jp("pull-missing", "{.status.phase}"));
        assertEquals("True", condition("pull-missing", "PodScheduled"));
        assertEquals("True", condition("pull-missing", "Initialized"));
        JsonNode cr = conditionNode("pull-missing", "ContainersReady");
        assertEquals("False", cr.path("status").asText());
        assertEquals("ContainersNotReady", cr.path("reason").asText(), cr.toString());
        assertEquals("False", condition("pull-missing", "Ready"));
    }

    // ------------------------------------------------------------------------------------------ probes

    @Test
    void aFailingExecLivenessProbeRestartsTheContainer() {
        awaitContainer("live-exec", "main", c -> c.path("restartCount").asInt() >= 1);
        String d = describe("live-exec");
        assertTrue(d.contains("Liveness probe failed"), d);
        assertTrue(d.contains("Killing"), d);
    }

    @Test
    void aFailingHttpLivenessProbeRestartsTheContainer() {
        JsonNode cs = awaitContainer("live-http", "main", c -> c.path("restartCount").asInt() >= 1);
        assertFalse(cs.path("lastState").path("terminated").isMissingNode(), cs.toString());
        assertTrue(describe("live-http").contains("Liveness probe failed"));
    }

    @Test
    void aFailingTcpLivenessProbeRestartsTheContainer() {
        awaitContainer("live-tcp", "main", c -> c.path("restartCount").asInt() >= 1);
        assertTrue(describe("live-tcp").contains("Liveness probe failed"));
    }

    @Test
    void aFailingGrpcLivenessProbeRestartsTheContainer() {
        awaitContainer("live-grpc", "main", c -> c.path("restartCount").asInt() >= 1);
        // (kubectl describe of a grpc probe without `service` dereferences nil unless the API server defaults it)
        assertTrue(events("live-grpc").contains("Unhealthy: Liveness probe failed"), events("live-grpc"));
        assertTrue(events("live-grpc").contains("Killing: "), events("live-grpc"));
    }

    @Test
    void readinessDecidesWhetherThePodIsAnEndpoint() throws IOException {
        awaitCondition("ready-toggle", "Ready", "True");
        String ip = jp("ready-toggle", "{.status.podIP}");
        eventually(Duration.ofSeconds(30), () -> endpoints("addresses"), s -> s.equals(ip));
        Files.delete(HOST.resolve("ready-flag"));
        awaitCondition("ready-toggle", "Ready", "False");
        assertEquals("0/1", readyColumn("ready-toggle"));
        eventually(Duration.ofSeconds(30), () -> endpoints("notReadyAddresses"), s -> s.equals(ip));
        assertEquals("", endpoints("addresses"));
        assertEquals(0, container("ready-toggle", "main").path("restartCount").asInt(), "readiness never restarts");
        Files.writeString(HOST.resolve("ready-flag"), "ready\n");
        awaitCondition("ready-toggle", "Ready", "True");
        eventually(Duration.ofSeconds(30), () -> endpoints("addresses"), s -> s.equals(ip));
    }

    private static String endpoints(String field) {
        return kubectl("-n", NS, "get", "endpoints", "podsuite-ready", "-o",
                "jsonpath={.subsets[*]." + field + "[*].ip}").ok().out().trim();
    }

    @Test
    void aStartupProbeHoldsOffLivenessUntilTheContainerHasStarted() {
        awaitCondition("startup-slow", "Ready", "True");
        JsonNode cs = container("startup-slow", "main");
        assertEquals(0, cs.path("restartCount").asInt(), "liveness must wait for the startup probe: " + cs);
        assertTrue(cs.path("started").asBoolean(), cs.toString());
        Instant started = Instant.parse(cs.path("state").path("running").path("startedAt").asText());
        Instant ready = Instant.parse(conditionNode("startup-slow", "Ready").path("lastTransitionTime").asText());
        assertTrue(Duration.between(started, ready).toSeconds() >= 5, "ready " + ready + " after start " + started);
    }

    @Test
    void aStartupProbeThatNeverSucceedsRestartsTheContainer() {
        JsonNode cs = awaitContainer("startup-fail", "main", c -> c.path("restartCount").asInt() >= 1);
        assertFalse(cs.path("started").asBoolean(), cs.toString());
        assertTrue(describe("startup-fail").contains("Startup probe failed"));
        assertEquals("False", condition("startup-fail", "Ready"));
    }

    // ------------------------------------------------------------------------------------------ spec

    @Test
    void commandAndArgsReplaceTheImageEntrypoint() {
        awaitPhase("cmd-args", "Succeeded");
        assertEquals("hello from args", logs("cmd-args", "main").trim());
    }

    @Test
    void workingDirIsTheProcessCurrentDirectory() {
        awaitPhase("workdir", "Succeeded");
        assertEquals("/var/podsuite-wd", logs("workdir", "main").trim());
    }

    @Test
    void envValuesExpandDollarReferencesInEnvAndArgs() {
        awaitPhase("env-expand", "Succeeded");
        assertEquals("B=alpha-beta C=$(A) D=$(UNDEFINED) ARG=alpha-beta", logs("env-expand", "main").trim());
    }

    @Test
    void envFromFieldsResourcesConfigMapsAndSecrets() {
        awaitPhase("env-sources", "Succeeded");
        Map<String, String> env = keyValues(logs("env-sources", "main").lines().toList());
        JsonNode st = pod("env-sources").path("status");
        assertEquals("env-sources", env.get("POD_NAME"));
        assertEquals(NS, env.get("POD_NAMESPACE"));
        assertEquals(st.path("podIP").asText(), env.get("POD_IP"));
        assertEquals(nodeIp, env.get("HOST_IP"));
        assertEquals(node, env.get("NODE"));
        assertEquals("backend", env.get("TIER"));
        assertEquals("64", env.get("MEM_MI"));
        assertEquals("500", env.get("CPU_M"));
        assertEquals("blue", env.get("COLOR"));
        assertEquals("s3cret", env.get("PASSWORD"));
        assertFalse(env.containsKey("MISSING_OK"), env.toString());
        assertEquals("blue", env.get("CFG_color"));
        assertEquals("L", env.get("CFG_size"));
        assertEquals("admin", env.get("SEC_user"));
        assertEquals("s3cret", env.get("SEC_password"));
        // the Service variables of the default namespace's kubernetes Service, as every upstream container gets
        String apiIp = kubectl("-n", "default", "get", "service", "kubernetes", "-o", "jsonpath={.spec.clusterIP}")
                .ok().out().trim();
        assertEquals(apiIp, env.get("KUBERNETES_SERVICE_HOST"));
        assertEquals("443", env.get("KUBERNETES_SERVICE_PORT"));
        assertEquals("tcp://" + apiIp + ":443", env.get("KUBERNETES_PORT_443_TCP"));
    }

    @Test
    void aMissingConfigMapInEnvIsACreateContainerConfigError() {
        String reason = eventually(START, () -> waitingReason("env-missing", "main"),
                r -> r.equals("CreateContainerConfigError"));
        assertEquals("CreateContainerConfigError", reason);
        assertEquals("CreateContainerConfigError", statusColumn("env-missing"));
        assertTrue(describe("env-missing").contains("no-such-config"), describe("env-missing"));
    }

    @Test
    void aHostPortServesThePodOnTheNodeAddress() {
        awaitCondition("hostport", "Ready", "True");
        String body = eventually(Duration.ofSeconds(30), () -> WorkloadTest.get("http://" + nodeIp + ":31880/"),
                b -> b.contains("hostport-served"));
        assertEquals("hostport-served", body.trim());
    }

    @Test
    void guaranteedResourcesBecomeCgroupLimitsInsideTheContainer() {
        Map<String, String> cg = keyValues(awaitLogs("qos-guaranteed", "main", s -> s.contains("shares")).lines().toList());
        assertEquals("Guaranteed", jp("qos-guaranteed", "{.status.qosClass}"));
        if (cg.containsKey("memory.max")) { // cgroup v2
            assertEquals("67108864", cg.get("memory.max"), cg.toString());
            assertEquals("25000 100000", cg.get("cpu.max"), cg.toString());
        } else {
            assertEquals("67108864", cg.get("memory/memory.limit_in_bytes"), cg.toString());
            assertEquals("25000", cg.get("cpu/cpu.cfs_quota_us"), cg.toString());
            assertEquals("100000", cg.get("cpu/cpu.cfs_period_us"), cg.toString());
            assertEquals("256", cg.get("cpu/cpu.shares"), cg.toString());
        }
    }

    @Test
    void burstableRequestsBecomeSharesAndTheLimitAMemoryCap() {
        Map<String, String> cg = keyValues(awaitLogs("qos-burstable", "main", s -> s.contains("shares")).lines().toList());
        assertEquals("Burstable", jp("qos-burstable", "{.status.qosClass}"));
        assertEquals(String.valueOf(128 * 1024 * 1024), cg.get("memory/memory.limit_in_bytes"), cg.toString());
        assertEquals("-1", cg.get("cpu/cpu.cfs_quota_us"), cg.toString());
        assertEquals("102", cg.get("cpu/cpu.shares"), cg.toString());
    }

    @Test
    void bestEffortPodsGetMinimalSharesAndNoLimit() {
        Map<String, String> cg = keyValues(awaitLogs("qos-besteffort", "main", s -> s.contains("shares")).lines().toList());
        assertEquals("BestEffort", jp("qos-besteffort", "{.status.qosClass}"));
        assertEquals("2", cg.get("cpu/cpu.shares"), cg.toString());
        assertTrue(new BigInteger(cg.get("memory/memory.limit_in_bytes")).compareTo(BigInteger.valueOf(1L << 40)) > 0,
                cg.toString());
    }

    @Test
    void runAsUserGroupAndSupplementalGroups() {
        awaitPhase("sec-user", "Succeeded");
        String out = logs("sec-user", "main").trim();
        assertTrue(out.startsWith("uid=1234 gid=5678 groups="), out);
        Set<String> groups = Set.of(out.substring(out.indexOf("groups=") + 7).split(" "));
        assertTrue(groups.contains("5678") && groups.contains("4242"), out);
    }

    @Test
    void aReadOnlyRootFilesystemStillWritesToVolumes() {
        awaitPhase("sec-readonly", "Succeeded");
        assertEquals("root=readonly\nscratch=writable", logs("sec-readonly", "main").trim());
    }

    @Test
    void capabilitiesAddDropAndPrivileged() {
        awaitPhase("sec-caps", "Succeeded");
        BigInteger added = capEff(logs("sec-caps", "added"));
        BigInteger standard = capEff(logs("sec-caps", "default"));
        BigInteger privileged = capEff(logs("sec-caps", "privileged"));
        final int netAdmin = 12;
        final int sysAdmin = 21;
        assertEquals(BigInteger.ONE.shiftLeft(netAdmin), added, "drop ALL + add NET_ADMIN: " + added.toString(16));
        assertFalse(standard.testBit(netAdmin) || standard.testBit(sysAdmin), standard.toString(16));
        assertTrue(standard.bitCount() > 5, "the runtime's default set: " + standard.toString(16));
        assertTrue(privileged.testBit(sysAdmin) && privileged.testBit(netAdmin), privileged.toString(16));
        int devices = Integer.parseInt(keyValues(logs("sec-caps", "privileged").lines().toList()).get("devices"));
        assertTrue(devices > 20, "a privileged container sees the host's devices: " + devices);
    }

    private static BigInteger capEff(String out) {
        String line = out.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow(() -> new AssertionError(out));
        return new BigInteger(line.substring(7).trim(), 16);
    }

    @Test
    void imagePullPolicyAlwaysPullsFromTheRegistry() {
        awaitPhase("pull-always", "Running");
        String d = describe("pull-always");
        assertTrue(d.contains("Pulling image \"busybox:latest\""), d);
        assertTrue(d.contains("Successfully pulled image \"busybox:latest\""), d);
    }

    @Test
    void aMissingImageIsErrImagePullThenImagePullBackOff() throws IOException {
        // a pod of its own, followed from its creation: ErrImagePull shows until the first back-off starts
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: pull-missing-fresh}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: "podsuite/not-in-any-registry:2.0"}
                """);
        Set<String> seen = new LinkedHashSet<>();
        eventually(Duration.ofSeconds(90), () -> {
            seen.add(waitingReason("pull-missing-fresh", "main"));
            seen.add(statusColumn("pull-missing-fresh"));
            return seen;
        }, s -> s.contains("ErrImagePull") && s.contains("ImagePullBackOff"));
        List<String> order = seen.stream().filter(r -> r.equals("ErrImagePull") || r.equals("ImagePullBackOff")).toList();
        assertEquals(List.of("ErrImagePull", "ImagePullBackOff"), order, "first the error, then the back-off: " + seen);
        String d = describe("pull-missing-fresh");
        assertTrue(d.contains("Failed to pull image \"podsuite/not-in-any-registry:2.0\""), d);
        assertTrue(d.contains("Back-off pulling image"), d);
        assertTrue(describe("pull-missing").contains("Back-off pulling image"), "the pod created with the others too");
    }

    @Test
    void pullPolicyNeverWithAnAbsentImageIsErrImageNeverPull() {
        eventually(START, () -> waitingReason("pull-never", "main"), r -> r.equals("ErrImageNeverPull"));
        assertEquals("ErrImageNeverPull", statusColumn("pull-never"));
    }

    // ------------------------------------------------------------------------------------------ volumes

    @Test
    void emptyDirIsSharedBetweenContainersAndMemoryMediumIsTmpfs() {
        Map<String, String> out = keyValues(awaitLogs("emptydir", "reader", s -> s.contains("cache=")).lines().toList());
        assertEquals("from-writer", out.get("shared"));
        assertEquals("tmpfs", out.get("cache"));
    }

    @Test
    void hostPathReadsAndWritesTheNodeFilesystem() throws IOException {
        assertEquals("seen=written-by-the-test", awaitLogs("hostpath", "main", s -> s.contains("seen=")).trim());
        assertEquals("from-pod", eventually(Duration.ofSeconds(10), () -> hostFile("from-pod.txt"), s -> !s.isEmpty()).trim());
        assertTrue(Files.exists(HOST.resolve("created-by-kubelet/marker")), "DirectoryOrCreate made the directory");
    }

    @Test
    void configMapAndSecretVolumesHonourItemsAndModes() {
        String out = awaitLogs("cm-secret-vol", "main", s -> s.contains("live"));
        assertTrue(out.contains("files=./conf/colour.txt,./shape,"), out);
        assertTrue(out.contains("colour-mode=400 shape-mode=640 token-mode=440"), out);
        assertTrue(out.contains("secret-files=token,"), out);
        assertTrue(out.contains("live colour=green token=first-token"), out);
    }

    @Test
    void configMapAndSecretUpdatesReachTheRunningPod() {
        awaitLogs("cm-secret-vol", "main", s -> s.contains("live colour=green"));
        kubectl("-n", NS, "patch", "configmap", "vol-config", "--type=merge", "-p", "{\"data\":{\"color\":\"purple\"}}").ok();
        kubectl("-n", NS, "patch", "secret", "vol-secret", "--type=merge", "-p", "{\"stringData\":{\"token\":\"second-token\"}}").ok();
        awaitLogs("cm-secret-vol", "main", s -> s.contains("live colour=purple token=second-token"), Duration.ofSeconds(120));
        assertEquals(0, container("cm-secret-vol", "main").path("restartCount").asInt(), "updated in place, no restart");
    }

    @Test
    void downwardApiVolumeShowsMetadataAndFollowsLabelChanges() {
        String out = awaitLogs("downward-vol", "main", s -> s.contains("labels:"));
        assertTrue(out.contains("name=downward-vol mem=48"), out);
        assertTrue(out.contains("build=\"42\""), out);
        assertTrue(out.contains("app=\"downward\"") && out.contains("zone=\"a\""), out);
        kubectl("-n", NS, "label", "pod", "downward-vol", "zone=b", "--overwrite").ok();
        awaitLogs("downward-vol", "main", s -> s.contains("zone=\"b\""), Duration.ofSeconds(120));
    }

    @Test
    void aProjectedVolumeCombinesConfigMapSecretAndDownwardApi() {
        awaitPhase("projected", "Succeeded");
        assertEquals("color=blue secret=unused podname=projected", logs("projected", "main").trim());
    }

    @Test
    void aPersistentVolumeClaimMountsItsHostPathVolume() throws IOException {
        assertEquals("pvc-ok", awaitLogs("pvc", "main", s -> s.contains("pvc-ok")).trim());
        assertEquals("written-through-pvc", hostFile("pv/from-pod.txt").trim());
    }

    @Test
    void subPathMountsOneFileOrOneDirectoryOfAVolume() {
        String main = awaitLogs("subpath", "main", s -> s.contains("conf="));
        assertEquals("conf=listen=8080 entries=app.conf,", main.trim());
        assertEquals("whole=via-subpath", awaitLogs("subpath", "whole", s -> s.contains("whole=")).trim());
    }

    // ------------------------------------------------------------------------------------------ static pods

    @Test
    void aStaticPodManifestRunsAsAMirrorPod() throws IOException {
        Files.createDirectories(STATIC_DIR);
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: podsuite-static, namespace: NS, labels: {app: static}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox, command: [sh, -c, "echo static-pod-running; exec sleep 3600"]}
                """.replace("NS", NS);
        Files.writeString(STATIC_MANIFEST, manifest);
        String mirror = "podsuite-static-" + node;
        eventually(Duration.ofSeconds(90), () -> kubectl("-n", NS, "get", "pod", mirror, "-o", "jsonpath={.status.phase}").out(),
                p -> p.equals("Running"));
        JsonNode meta = pod(mirror).path("metadata");
        assertTrue(meta.path("annotations").has("kubernetes.io/config.mirror"), meta.toString());
        assertEquals("file", meta.path("annotations").path("kubernetes.io/config.source").asText(), meta.toString());
        assertEquals(node, jp(mirror, "{.spec.nodeName}"));
        assertEquals("static-pod-running", awaitLogs(mirror, "main", s -> !s.isBlank()).trim());
        Files.delete(STATIC_MANIFEST);
        eventually(Duration.ofSeconds(90), () -> kubectl("-n", NS, "get", "pod", mirror, "--ignore-not-found", "-o", "name").ok().out(),
                String::isBlank);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static String resource(String name) throws IOException {
        try (InputStream in = PodScenariosTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void apply(String manifest) throws IOException {
        Path f = Files.createTempFile("podsuite", ".yaml");
        Files.writeString(f, manifest);
        kubectl("-n", NS, "apply", "-f", f.toString()).ok();
        Files.delete(f);
    }

    static JsonNode pod(String name) {
        try {
            return JSON.readTree(kubectl("-n", NS, "get", "pod", name, "-o", "json").ok().out());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String jp(String pod, String path) {
        return kubectl("-n", NS, "get", "pod", pod, "-o", "jsonpath=" + path).ok().out().trim();
    }

    private static void awaitPhase(String pod, String phase) {
        eventually(START, () -> jp(pod, "{.status.phase}"), p -> p.equals(phase));
    }

    private static JsonNode conditionNode(String pod, String type) {
        for (JsonNode c : pod(pod).path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        throw new AssertionError("pod " + pod + " has no condition " + type + ": " + pod(pod).path("status"));
    }

    private static String condition(String pod, String type) {
        return jp(pod, "{.status.conditions[?(@.type==\"" + type + "\")].status}");
    }

    private static void awaitCondition(String pod, String type, String status) {
        eventually(START, () -> condition(pod, type), s -> s.equals(status));
    }

    private static JsonNode container(String pod, String name) {
        JsonNode st = pod(pod).path("status");
        for (String list : List.of("containerStatuses", "initContainerStatuses")) {
            for (JsonNode c : st.path(list)) {
                if (name.equals(c.path("name").asText())) {
                    return c;
                }
            }
        }
        return JSON.missingNode();
    }

    private static JsonNode awaitContainer(String pod, String name, Predicate<JsonNode> condition) {
        return eventually(START, () -> container(pod, name), condition);
    }

    private static String waitingReason(String pod, String container) {
        return container(pod, container).path("state").path("waiting").path("reason").asText();
    }

    /** The STATUS column of `kubectl get pod`, as a user reads it. */
    private static String statusColumn(String pod) {
        return column(pod, 2);
    }

    private static String readyColumn(String pod) {
        return column(pod, 1);
    }

    private static String column(String pod, int i) {
        String out = kubectl("-n", NS, "get", "pod", pod, "--no-headers").ok().out().trim();
        return out.split("\\s+")[i];
    }

    private static String describe(String pod) {
        return kubectl("-n", NS, "describe", "pod", pod).ok().out();
    }

    /** The pod's events as "Reason: message" lines. */
    private static String events(String pod) {
        String out = kubectl("-n", NS, "get", "events", "-o", "jsonpath={range .items[?(@.involvedObject.name==\"" + pod
                + "\")]}{.reason}: {.message}{\"\\n\"}{end}").ok().out();
        return out;
    }

    private static String logs(String pod, String container) {
        return kubectl("-n", NS, "logs", pod, "-c", container).ok().out();
    }

    private static String awaitLogs(String pod, String container, Predicate<String> condition) {
        return awaitLogs(pod, container, condition, START);
    }

    private static String awaitLogs(String pod, String container, Predicate<String> condition, Duration within) {
        return eventually(within, () -> kubectl("-n", NS, "logs", pod, "-c", container).out(), condition);
    }

    private static String hostFile(String name) {
        try {
            Path f = HOST.resolve(name);
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** KEY=VALUE lines (the first '=' splits). */
    private static Map<String, String> keyValues(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        for (String l : lines) {
            int eq = l.indexOf('=');
            if (eq > 0) {
                m.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return m;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
