package io.kybernetes.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kybernetes.kubelet.cri.v1.LinuxContainerResources;
import io.kybernetes.kubelet.cri.v1.LinuxContainerSecurityContext;
import io.kybernetes.kubelet.env.ContainerConfigException;

class ContainerSecurityTest {

    static Container container(String cpuReq, String cpuLim, String memReq, String memLim) {
        ContainerBuilder b = new ContainerBuilder().withName("app").withImage("busybox");
        var r = b.withNewResources();
        if (!cpuReq.isEmpty()) r.addToRequests("cpu", new Quantity(cpuReq));
        if (!cpuLim.isEmpty()) r.addToLimits("cpu", new Quantity(cpuLim));
        if (!memReq.isEmpty()) r.addToRequests("memory", new Quantity(memReq));
        if (!memLim.isEmpty()) r.addToLimits("memory", new Quantity(memLim));
        return r.endResources().build();
    }

    static Pod pod(Container c) {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("u-1").endMetadata()
                .withNewSpec().addToContainers(c).endSpec().build();
    }

    @ParameterizedTest
    @CsvSource({
            // cpuReq, cpuLim, memReq, memLim | shares, quota, period, memory, oom (node: 4 GiB)
            "'',   '',   '',    '',    2,    0,     0,      0,         1000",
            "250m, '',   '',    '',    256,  0,     0,      0,         999",
            "500m, 1,    64Mi,  128Mi, 512,  100000, 100000, 134217728, 985",
            "1,    1,    1Gi,   1Gi,   1024, 100000, 100000, 1073741824, -997",
            "'',   200m, '',    256Mi, 204,  20000, 100000, 268435456, -997",
            "10m,  '',   4Gi,   '',    10,   0,     0,      0,         2",
    })
    void resourcesAndOomScore(String cpuReq, String cpuLim, String memReq, String memLim, long shares, long quota,
                              long period, long memory, long oom) {
        Container c = container(cpuReq, cpuLim, memReq, memLim);
        Pod p = pod(c);
        var config = ContainerSpecs.containerConfig(p, c, 0, false,
                new ContainerSpecs.Inputs(Map.of(), Map.of(), null, 4L << 30));
        LinuxContainerResources r = config.getLinux().getResources();
        assertEquals(shares, r.getCpuShares());
        assertEquals(quota, r.getCpuQuota());
        assertEquals(period, r.getCpuPeriod());
        assertEquals(memory, r.getMemoryLimitInBytes());
        assertEquals(oom, r.getOomScoreAdj());
    }

    @Test
    void securityContextMergesPodAndContainer() {
        Container c = new ContainerBuilder().withName("app").withImage("busybox").withNewSecurityContext()
                .withRunAsUser(1000L).withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
                .withNewCapabilities().addToAdd("NET_ADMIN").addToDrop("all").endCapabilities()
                .endSecurityContext().build();
        Pod p = new PodBuilder(pod(c)).editSpec().withNewSecurityContext().withRunAsUser(5L).withRunAsGroup(3000L)
                .withFsGroup(2000L).withSupplementalGroups(4000L).endSecurityContext().endSpec().build();
        LinuxContainerSecurityContext sc = ContainerSecurity.of(p, c);
        assertEquals(1000, sc.getRunAsUser().getValue());
        assertEquals(3000, sc.getRunAsGroup().getValue());
        assertEquals(List.of(2000L, 4000L), sc.getSupplementalGroupsList());
        assertTrue(sc.getReadonlyRootfs());
        assertTrue(sc.getNoNewPrivs());
        assertFalse(sc.getPrivileged());
        assertEquals(List.of("NET_ADMIN"), sc.getCapabilities().getAddCapabilitiesList());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDropCapabilitiesList());
        assertFalse(ContainerSpecs.sandboxConfig(p, java.nio.file.Path.of("/l"), 0).getLinux().getSecurityContext()
                .getPrivileged());
    }

    @ParameterizedTest
    @CsvSource({"NET_ADMIN, NET_ADMIN", "net_raw, NET_RAW", "CAP_SYS_TIME, SYS_TIME",
            "cap_chown, CHOWN", "ALL, ALL", "all, ALL"})
    void capabilityNamesGoToCriWithoutThePrefix(String spec, String cri) {
        assertEquals(cri, ContainerSecurity.capability(spec));
    }

    @Test
    void privilegedContainerMakesAPrivilegedSandbox() {
        Container c = new ContainerBuilder().withName("app").withImage("busybox").withNewSecurityContext()
                .withPrivileged(true).endSecurityContext().build();
        assertTrue(ContainerSecurity.of(pod(c), c).getPrivileged());
        assertTrue(ContainerSpecs.sandboxConfig(pod(c), java.nio.file.Path.of("/l"), 0).getLinux()
                .getSecurityContext().getPrivileged());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // runAsUser | image uid | image user | error (empty: allowed)
            "''   | 0    | ''     | container has runAsNonRoot and image will run as root (pod: \"web_ns(u-1)\", container: app)",
            "''   | 1000 | ''     | ''",
            "0    | 1000 | ''     | container's runAsUser breaks non-root policy (pod: \"web_ns(u-1)\", container: app)",
            "1000 | 0    | ''     | ''",
            "''   | ''   | nobody | container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: \"web_ns(u-1)\", container: app)",
    })
    void runAsNonRoot(String runAsUser, String imageUid, String imageUser, String error) {
        Container c = new ContainerBuilder().withName("app").withImage("busybox").withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(runAsUser.isEmpty() ? null : Long.parseLong(runAsUser))
                .endSecurityContext().build();
        Long uid = imageUid.isEmpty() ? null : Long.parseLong(imageUid);
        if (error.isEmpty()) {
            try {
                ContainerSecurity.verifyNonRoot(pod(c), c, uid, imageUser);
            } catch (ContainerConfigException e) {
                throw new AssertionError(e.getMessage());
            }
        } else {
            var e = assertThrows(ContainerConfigException.class,
                    () -> ContainerSecurity.verifyNonRoot(pod(c), c, uid, imageUser));
            assertEquals(error, e.getMessage());
        }
    }
}
