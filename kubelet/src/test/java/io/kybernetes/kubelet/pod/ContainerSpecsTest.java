package io.kybernetes.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kybernetes.kubelet.cri.v1.ContainerConfig;
import io.kybernetes.kubelet.cri.v1.NamespaceMode;
import io.kybernetes.kubelet.cri.v1.PodSandboxConfig;

class ContainerSpecsTest {

    static Pod pod() {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("u-1")
                .addToLabels("app", "web").endMetadata()
                .withNewSpec().withNodeName("n1")
                .addNewContainer().withName("app").withImage("nginx").withCommand("sh", "-c")
                .withArgs("echo $(GREETING) $(POD) $$(HOME) $(MISSING)")
                .addNewEnv().withName("GREETING").withValue("hi").endEnv()
                .addNewEnv().withName("POD").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                .endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                .endFieldRef().endValueFrom().endEnv()
                .addNewPort().withContainerPort(80).withHostPort(8080).endPort()
                .endContainer().endSpec().build();
    }

    @Test
    void sandboxConfigCarriesMetadataLabelsLogDirAndHostPorts() {
        PodSandboxConfig c = ContainerSpecs.sandboxConfig(pod(), Path.of("/var/log/pods"), 2);
        assertEquals("web", c.getMetadata().getName());
        assertEquals("u-1", c.getMetadata().getUid());
        assertEquals(2, c.getMetadata().getAttempt());
        assertEquals("web", c.getHostname());
        assertEquals("/var/log/pods/ns_web_u-1", c.getLogDirectory());
        assertEquals("u-1", c.getLabelsOrThrow("io.kubernetes.pod.uid"));
        assertEquals("web", c.getLabelsOrThrow("app"));
        assertEquals(8080, c.getPortMappings(0).getHostPort());
        assertEquals(NamespaceMode.POD, c.getLinux().getSecurityContext().getNamespaceOptions().getNetwork());
    }

    @Test
    void containerConfigExpandsEnvAndArgs() {
        Pod pod = pod();
        ContainerConfig c = ContainerSpecs.containerConfig(pod, pod.getSpec().getContainers().get(0), 3, false,
                "10.244.0.7", "192.0.2.2");
        assertEquals("3.log", c.getLogPath().substring(c.getLogPath().indexOf('/') + 1));
        assertEquals("app/3.log", c.getLogPath());
        assertEquals("echo hi web $(HOME) $(MISSING)", c.getArgs(0));
        Map<String, String> env = new java.util.HashMap<>();
        c.getEnvsList().forEach(kv -> env.put(kv.getKey(), kv.getValue()));
        assertEquals(Map.of("GREETING", "hi", "POD", "web", "IP", "10.244.0.7"), env);
        assertEquals("app", c.getLabelsOrThrow("io.kubernetes.container.name"));
    }

    @ParameterizedTest
    @CsvSource({
            "nginx,                          '',           Always",
            "nginx:latest,                   '',           Always",
            "nginx:1.25,                     '',           IfNotPresent",
            "127.0.0.1:5000/nginx,           '',           Always",
            "127.0.0.1:5000/nginx:1,         '',           IfNotPresent",
            "nginx@sha256:abc,               '',           IfNotPresent",
            "nginx,                          Never,        Never",
    })
    void pullPolicyDefaults(String image, String policy, String expected) {
        var c = new ContainerBuilder().withImage(image).withImagePullPolicy(policy.isEmpty() ? null : policy).build();
        assertEquals(expected, PodSyncer.pullPolicy(c));
    }

    @ParameterizedTest
    @CsvSource({
            "Always,    0, false, true",
            "Always,    1, false, true",
            "OnFailure, 0, false, false",
            "OnFailure, 2, false, true",
            "Never,     2, false, false",
            "Always,    0, true,  false",
            "Always,    1, true,  true",
            "Never,     1, true,  false",
    })
    void restartPolicy(String policy, int exit, boolean init, boolean restart) {
        Pod pod = new PodBuilder().withNewSpec().withRestartPolicy(policy).endSpec().build();
        assertEquals(restart, PodSyncer.shouldRestart(pod, exit, init));
    }

    @Test
    void restartCountsContinueInANewSandbox() {
        Pod pod = new PodBuilder().withNewSpec().endSpec().withNewStatus()
                .addNewContainerStatus().withName("ran").withContainerID("containerd://x").withRestartCount(2).endContainerStatus()
                .addNewContainerStatus().withName("never").withRestartCount(0).endContainerStatus()
                .endStatus().build();
        assertEquals(3, PodSyncer.previousRestarts(pod, "ran", false));
        assertEquals(0, PodSyncer.previousRestarts(pod, "never", false));
        assertEquals(0, PodSyncer.previousRestarts(pod, "ran", true));
    }

    @Test
    void backoffDoublesFromTenSecondsToFiveMinutes() {
        Backoff b = Backoff.standard();
        Instant t = Instant.parse("2026-11-24T07:00:00Z");
        long[] expected = {10, 20, 40, 80, 160, 300, 300};
        for (long e : expected) {
            assertEquals(Duration.ofSeconds(e), b.next("k", t));
            t = t.plusSeconds(1);
        }
        assertEquals(Duration.ofSeconds(10), b.next("k", t.plusSeconds(601)), "resets after a quiet 10 minutes");
        assertEquals(Duration.ofSeconds(5), b.remaining("k", t.plusSeconds(601), t.plusSeconds(606)));
    }
}
