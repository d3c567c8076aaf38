package io.kybernetes.dns.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kybernetes.dns.DnsMainFlags;

/** deploy/kube-dns.yaml has the shape kubeadm gives CoreDNS, and its args are flags the server accepts. */
class KubeDnsManifestTest {

    static List<HasMetadata> objects() throws Exception {
        String yaml = Files.readString(Path.of("deploy/kube-dns.yaml"));
        return java.util.Arrays.stream(yaml.split("(?m)^---$"))
                .map(doc -> (HasMetadata) Serialization.unmarshal(doc)).toList();
    }

    static <T> T find(List<HasMetadata> all, Class<T> kind) {
        return all.stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
    }

    @Test
    void serviceAtTheClusterDnsIp() throws Exception {
        Service svc = find(objects(), Service.class);
        assertEquals("kube-dns", svc.getMetadata().getName());
        assertEquals("kube-system", svc.getMetadata().getNamespace());
        assertEquals("10.96.0.10", svc.getSpec().getClusterIP());
        assertEquals(Map.of("k8s-app", "kube-dns"), svc.getSpec().getSelector());
        assertEquals(List.of("dns 53 UDP", "dns-tcp 53 TCP", "metrics 9153 TCP"), svc.getSpec().getPorts().stream()
                .map(p -> p.getName() + " " + p.getPort() + " " + p.getProtocol()).toList());
    }

    @Test
    void deploymentAsKubeadmInstallsCoreDns() throws Exception {
        List<HasMetadata> all = objects();
        assertEquals("coredns", find(all, ServiceAccount.class).getMetadata().getName());
        Deployment d = find(all, Deployment.class);
        assertEquals("coredns", d.getMetadata().getName());
        assertEquals("kube-system", d.getMetadata().getNamespace());
        assertEquals(1, d.getSpec().getReplicas());
        assertEquals("kube-dns", d.getSpec().getTemplate().getMetadata().getLabels().get("k8s-app"));
        assertEquals("Default", d.getSpec().getTemplate().getSpec().getDnsPolicy());
        assertEquals("coredns", d.getSpec().getTemplate().getSpec().getServiceAccountName());
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals(9153, c.getReadinessProbe().getHttpGet().getPort().getIntVal());
        assertEquals(List.of("dns 53 UDP", "dns-tcp 53 TCP", "metrics 9153 TCP"), c.getPorts().stream()
                .map(p -> p.getName() + " " + p.getContainerPort() + " " + p.getProtocol()).toList());
        assertEquals("/etc/kybernetes/admin.conf",
                d.getSpec().getTemplate().getSpec().getVolumes().get(0).getHostPath().getPath());
        // every arg is a flag of the server, and --health-port is where the probes and metrics port point
        Map<String, String> props = DnsMainFlags.parse(c.getArgs().toArray(String[]::new));
        assertEquals("9153", props.get("quarkus.http.port"));
        assertEquals("http://$(NODE_IP):6443", props.get("kybernetes.master"));
        assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("NODE_IP")
                && e.getValueFrom().getFieldRef().getFieldPath().equals("status.hostIP")));
    }
}
