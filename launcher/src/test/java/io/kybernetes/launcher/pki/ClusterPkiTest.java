package io.kybernetes.launcher.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterPkiTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"10.96.0.0/12, 10.96.0.1", "10.96.5.7/12, 10.96.0.1", "172.16.0.0/16, 172.16.0.1",
        "10.0.0.0/8, 10.0.0.1", "fd00:10:96::/112, fd00:10:96:0:0:0:0:1"})
    void firstIpOfTheServiceRange(String cidr, String ip) {
        assertEquals(ip, ClusterPki.firstIp(cidr));
    }

    @ParameterizedTest
    @CsvSource({"10.96.0.0", "10.96.0.0/32", "kubernetes/12", "10.96.0.0/x"})
    void badRanges(String cidr) {
        assertThrows(IllegalArgumentException.class, () -> ClusterPki.firstIp(cidr));
    }

    @Test
    void apiserverSans() {
        ClusterPki pki = new ClusterPki(new ClusterPki.Options(Path.of("/x"), Path.of("/y"), "node1", "192.0.2.2",
                null, "10.96.0.0/12", List.of("lb.example.test", "203.0.113.9")), Clock.systemUTC(), s -> { });
        assertEquals(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local", "node1", "10.96.0.1", "127.0.0.1", "192.0.2.2",
                "lb.example.test", "203.0.113.9"), pki.apiserverSans());
        CertSpec api = pki.leaves().stream().filter(l -> l.name().equals("apiserver")).findFirst().orElseThrow()
                .spec();
        assertEquals(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local", "node1", "lb.example.test"), api.dnsNames());
        assertEquals(List.of("10.96.0.1", "127.0.0.1", "192.0.2.2", "203.0.113.9"), api.ipAddresses());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "admin.conf|kubernetes-admin|kubeadm:cluster-admins|client auth",
        "super-admin.conf|kubernetes-super-admin|system:masters|client auth",
        "controller-manager.conf|system:kube-controller-manager||client auth",
        "scheduler.conf|system:kube-scheduler||client auth",
        "proxy.conf|system:kube-proxy||client auth",
        "kubelet.conf|system:node:node1|system:nodes|client auth",
        "apiserver|kube-apiserver||server auth",
        "apiserver-kubelet-client|kube-apiserver-kubelet-client|kubeadm:cluster-admins|client auth",
        "apiserver-etcd-client|kube-apiserver-etcd-client||client auth",
        "front-proxy-client|front-proxy-client||client auth",
        "etcd-healthcheck-client|kube-etcd-healthcheck-client||client auth",
        "etcd-server|node1||server auth",
        "etcd-peer|node1||client auth",
        "kubelet-serving|system:node:node1|system:nodes|server auth"})
    void subjects(String name, String cn, String group, String usage) {
        ClusterPki pki = new ClusterPki(new ClusterPki.Options(Path.of("/x"), Path.of("/y"), "node1", "192.0.2.2",
                null, "10.96.0.0/12", List.of()), Clock.systemUTC(), s -> { });
        CertSpec spec = pki.leaves().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow().spec();
        assertEquals(cn, spec.commonName());
        assertEquals(group == null ? List.of() : List.of(group), spec.organizations());
        assertEquals(true, spec.usages().contains(usage), spec.usages().toString());
    }

    @Test
    void tableAsGoTabwriter() {
        assertEquals("""
                A                BB        C
                xxxx             y         zzzzzz
                long-name-here   z         c
                !MISSING! q
                """, ClusterPki.table(List.of(List.of("A", "BB", "C"), List.of("xxxx", "y", "zzzzzz"),
                List.of("long-name-here", "z", "c"),
                List.of("!MISSING! q"))));
    }
}
