package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, Done-when 2: the cluster DNS add-on answers pods as upstream's DNS specification says, asked from a
 * busybox pod with nslookup and wget (the pod's resolv.conf comes from the kubelet: nameserver 10.96.0.10, the
 * namespace's search path, ndots:5).
 */
class DnsTest {

    private static final String NS = "dnstest";
    private static final String FQDN = "web." + NS + ".svc.cluster.local";
    private static String clusterIp;

    @BeforeAll
    static void deployAService() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=90s");
        kubectl("create", "namespace", NS).ok();
        kubectl("-n", NS, "create", "deployment", "web", "--image=nginx", "--port=80").ok();
        kubectl("-n", NS, "create", "service", "clusterip", "web", "--tcp=80:80").ok();
        kubectl(Duration.ofSeconds(150), "-n", NS, "rollout", "status", "deployment/web", "--timeout=120s").ok();
        clusterIp = kubectl("-n", NS, "get", "service", "web", "-o", "jsonpath={.spec.clusterIP}").ok().out();
    }

    @AfterAll
    static void cleanup() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    /** Runs {@code script} in a fresh busybox pod and returns its output once it has finished. */
    private static String inPod(String name, String script) {
        kubectl("-n", NS, "run", name, "--image=busybox", "--restart=Never", "--", "sh", "-c", script).ok();
        eventually(Duration.ofSeconds(90), () -> kubectl("-n", NS, "get", "pod", name, "-o", "jsonpath={.status.phase}").out(),
                p -> p.equals("Succeeded") || p.equals("Failed"));
        return kubectl("-n", NS, "logs", name).ok().out();
    }

    @Test
    void resolvConfPointsAtTheClusterDns() {
        String out = inPod("resolv", "cat /etc/resolv.conf");
        assertTrue(out.contains("nameserver 10.96.0.10"), out);
        assertTrue(out.contains("search " + NS + ".svc.cluster.local svc.cluster.local cluster.local"), out);
        assertTrue(out.contains("options ndots:5"), out);
    }

    @Test
    void aServiceResolvesByFqdnToItsClusterIp() {
        String out = inPod("fqdn", "nslookup " + FQDN);
        assertTrue(out.contains("Name:\t" + FQDN) && out.contains("Address: " + clusterIp), out);
    }

    @Test
    void wgetReachesTheServiceByShortNameAndByFqdn() {
        String out = inPod("wget", "wget -qO- http://web/ | grep -o '<title>.*</title>'; "
                + "wget -qO- http://web." + NS + "/ | grep -o '<title>.*</title>'; "
                + "wget -qO- http://" + FQDN + "/ | grep -o '<title>.*</title>'");
        assertTrue(out.lines().filter(l -> l.equals("<title>Welcome to nginx!</title>")).count() == 3, out);
    }

    @Test
    void namedPortsHaveSrvRecords() {
        String out = inPod("srv", "nslookup -type=SRV _80-80._tcp." + FQDN);
        assertTrue(out.contains("_80-80._tcp." + FQDN) && out.contains("80 " + FQDN), out);
    }

    @Test
    void theKubernetesServiceResolvesFromAnyNamespace() {
        String out = inPod("kubernetes", "nslookup kubernetes.default.svc.cluster.local");
        assertTrue(out.contains("Address: 10.96.0.1"), out);
    }

    @Test
    void unknownNamesInTheClusterDomainAreNxdomain() {
        String out = inPod("nxdomain", "nslookup nope." + NS + ".svc.cluster.local; echo rc=$?");
        assertTrue(out.contains("NXDOMAIN"), out);
    }

    @Test
    void statefulSetPodsResolveByHostnameUnderTheirHeadlessService() throws Exception {
        kubectl("-n", NS, "create", "service", "clusterip", "db", "--clusterip=None", "--tcp=80:80").ok();
        kubectl("-n", NS, "patch", "service", "db", "--type=merge", "-p", "{\"spec\":{\"selector\":{\"app\":\"db\"}}}").ok();
        java.nio.file.Path sts = java.nio.file.Files.createTempFile("e2e-sts", ".yaml");
        java.nio.file.Files.writeString(sts, """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  serviceName: db
                  replicas: 2
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
                """);
        kubectl("-n", NS, "apply", "-f", sts.toString()).ok();
        kubectl(Duration.ofSeconds(150), "-n", NS, "rollout", "status", "statefulset/db", "--timeout=120s").ok();
        String ip0 = kubectl("-n", NS, "get", "pod", "db-0", "-o", "jsonpath={.status.podIP}").ok().out();
        String ip1 = kubectl("-n", NS, "get", "pod", "db-1", "-o", "jsonpath={.status.podIP}").ok().out();
        String out = inPod("stsrecords", "nslookup db-0.db." + NS + ".svc.cluster.local; nslookup db." + NS + ".svc.cluster.local");
        assertTrue(out.contains("Name:\tdb-0.db." + NS + ".svc.cluster.local\nAddress: " + ip0), out);
        assertTrue(out.contains("Address: " + ip0) && out.contains("Address: " + ip1), "headless answers both pods: " + out);
    }

    @Test
    void podsHaveARecordsByDashedIp() {
        String ip = kubectl("-n", NS, "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].status.podIP}").ok().out();
        String name = ip.replace('.', '-') + "." + NS + ".pod.cluster.local";
        String out = inPod("podrecord", "nslookup " + name);
        assertTrue(out.contains("Address: " + ip), out);
    }
}
