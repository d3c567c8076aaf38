package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;

/**
 * Issue 9, Done-when 1: Services end to end through the running proxy, in whichever mode it runs (read from the
 * proxy's {@code /proxyMode}, as upstream kube-proxy serves it; {@code ./kybernetes test} runs this class once per mode).
 *
 * <p>Two {@code echo} pods answer with their own hostname: busybox httpd on TCP 8080, and a perl UDP responder on
 * 5353 (the nginx image is Debian with perl-base; busybox's nc has no UDP). Clients: curl and a
 * {@link DatagramSocket} on the host, busybox wget and a perl UDP client in pods. (Debian's static busybox wget
 * segfaults with {@code -T}, so pods bound it with {@code timeout 5 wget}.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("network")
class NetworkTest {

    private static final String NS = "nettest";
    private static final String PROXY = System.getProperty("e2e.proxy", "http://127.0.0.1:10256");
    /** A health check node port chosen by the test: the apiserver takes a user-set one as upstream does. */
    private static final int HEALTH_CHECK_NODE_PORT = 32555;

    private static final String UDP_SERVER = "use IO::Socket::INET; use POSIX; my $h = (POSIX::uname())[1];"
            + " my $s = IO::Socket::INET->new(LocalPort => 5353, Proto => 'udp') or die \"bind: $!\";"
            + " while (1) { my $peer = $s->recv(my $m, 512); $s->send(\"$h\\n\", 0, $peer) if defined $peer; }";
    /** Sends one datagram from a fresh socket per round (a fresh conntrack entry) and prints each answer. */
    private static final String UDP_CLIENT = "use IO::Socket::INET; my ($to, $n) = @ARGV;"
            + " for (1..$n) { my $s = IO::Socket::INET->new(PeerAddr => $to, Proto => 'udp') or die \"socket: $!\";"
            + " $s->send('hi'); my $m = ''; eval { local $SIG{ALRM} = sub { die 'timeout' }; alarm 2; $s->recv($m, 512); alarm 0; };"
            + " print 'udp ', ($m eq '' ? \"none\\n\" : $m); }";

    private static final String MANIFEST = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: echo}
            spec:
              replicas: 2
              selector: {matchLabels: {app: echo}}
              template:
                metadata: {labels: {app: echo}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: http
                    image: busybox
                    command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
                    ports: [{name: http, containerPort: 8080}]
                  - name: udp
                    image: nginx
                    command: [perl, -e, "%UDP%"]
                    ports: [{name: udp, containerPort: 5353, protocol: UDP}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: solo}
            spec:
              replicas: 1
              selector: {matchLabels: {app: solo}}
              template:
                metadata: {labels: {app: solo}}
                spec:
                  nodeName: %NODE%
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: http
                    image: busybox
                    command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo}
            spec:
              selector: {app: echo}
              ports:
              - {name: http, port: 80, targetPort: http}
              - {name: udp, port: 5353, targetPort: udp, protocol: UDP}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo-np}
            spec:
              type: NodePort
              selector: {app: echo}
              ports:
              - {name: http, port: 80, targetPort: 8080}
              - {name: udp, port: 5353, targetPort: 5353, protocol: UDP}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: sticky}
            spec:
              selector: {app: echo}
              sessionAffinity: ClientIP
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: headless}
            spec:
              clusterIP: None
              selector: {app: echo}
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: solo-local}
            spec:
              type: LoadBalancer
              externalTrafficPolicy: Local
              healthCheckNodePort: %HCNP%
              selector: {app: solo}
              ports: [{name: http, port: 80, targetPort: 8080}]
            """;

    private static String mode;
    private static String nodeIp;
    /** The node the test runs on (the first one {@code up} started); the Local-policy pod is pinned to it. */
    private static String nodeName;
    private static Set<String> echoPods;
    private static Set<String> echoPodIps;
    private static String echoIp;
    private static int echoHttpNodePort;
    private static int echoUdpNodePort;

    @BeforeAll
    static void deploy() throws IOException {
        mode = System.getProperty("e2e.proxyMode", "");
        if (mode.isEmpty()) {
            mode = http(PROXY + "/proxyMode").trim();
        }
        System.out.println("NetworkTest: proxy mode " + mode);
        assertTrue(Set.of("iptables", "nftables").contains(mode), "proxy mode: " + mode);
        nodeName = Cli.run(Duration.ofSeconds(5), "hostname").ok().out().trim().toLowerCase(java.util.Locale.ROOT);
        nodeIp = kubectl("get", "node", nodeName, "-o",
                "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}").ok().out().trim();

        kubectl(Duration.ofSeconds(120), "delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=90s");
        kubectl("create", "namespace", NS).ok();
        Path manifest = Files.createTempFile("e2e-network", ".yaml");
        Files.writeString(manifest, MANIFEST.replace("%UDP%", UDP_SERVER.replace("\"", "\\\""))
                .replace("%HCNP%", Integer.toString(HEALTH_CHECK_NODE_PORT)).replace("%NODE%", nodeName));
        kubectl("-n", NS, "apply", "-f", manifest.toString()).ok();
        Files.delete(manifest);
        kubectl(Duration.ofSeconds(200), "-n", NS, "rollout", "status", "deployment/echo", "--timeout=180s").ok();
        kubectl(Duration.ofSeconds(200), "-n", NS, "rollout", "status", "deployment/solo", "--timeout=180s").ok();

        echoPods = words(kubectl("-n", NS, "get", "pods", "-l", "app=echo", "-o", "jsonpath={.items[*].metadata.name}").ok().out());
        echoPodIps = words(kubectl("-n", NS, "get", "pods", "-l", "app=echo", "-o", "jsonpath={.items[*].status.podIP}").ok().out());
        assertEquals(2, echoPods.size(), echoPods.toString());
        echoIp = kubectl("-n", NS, "get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}").ok().out().trim();
        echoHttpNodePort = Integer.parseInt(kubectl("-n", NS, "get", "service", "echo-np", "-o",
                "jsonpath={.spec.ports[?(@.name==\"http\")].nodePort}").ok().out().trim());
        echoUdpNodePort = Integer.parseInt(kubectl("-n", NS, "get", "service", "echo-np", "-o",
                "jsonpath={.spec.ports[?(@.name==\"udp\")].nodePort}").ok().out().trim());
        // the endpoints reach the proxy a moment after the pods are ready
        eventually(Duration.ofSeconds(30), () -> httpAnswers(echoIp + ":80", 6), a -> echoPods.containsAll(a) && !a.isEmpty());
    }

    @AfterAll
    static void cleanup() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    @Test
    @Order(1)
    void theRunningModeProgramsTheServices() {
        String rules = "iptables".equals(mode)
                ? Cli.run(Duration.ofSeconds(30), "iptables-save", "-t", "nat").ok().out()
                : Cli.run(Duration.ofSeconds(30), "nft", "list", "table", "ip", "kube-proxy").ok().out();
        assertTrue(rules.contains(echoIp), mode + " rules name the cluster IP " + echoIp);
        String other = "iptables".equals(mode)
                ? Cli.run(Duration.ofSeconds(30), "nft", "list", "table", "ip", "kube-proxy").out()
                : Cli.run(Duration.ofSeconds(30), "iptables-save", "-t", "nat").ok().out();
        assertTrue(!other.contains(echoIp), "the other mode's rules are absent");
    }

    @Test
    @Order(2)
    void clusterIpTcpFromTheHostReachesBothPods() {
        assertEquals(echoPods, eventually(Duration.ofSeconds(20), () -> httpAnswers(echoIp + ":80", 20), echoPods::equals));
    }

    @Test
    @Order(2)
    void nodePortTcpFromTheHostReachesBothPods() {
        assertEquals(echoPods, eventually(Duration.ofSeconds(20),
                () -> httpAnswers(nodeIp + ":" + echoHttpNodePort, 20), echoPods::equals));
    }

    @Test
    @Order(2)
    void clusterIpUdpFromTheHostReachesBothPods() {
        assertEquals(echoPods, eventually(Duration.ofSeconds(20), () -> udpAnswers(echoIp, 5353, 20), echoPods::equals));
    }

    @Test
    @Order(2)
    void nodePortUdpFromTheHostReachesBothPods() {
        assertEquals(echoPods, eventually(Duration.ofSeconds(20),
                () -> udpAnswers(nodeIp, echoUdpNodePort, 20), echoPods::equals));
    }

    @Test
    @Order(3)
    void clusterIpAndNodePortTcpFromAPod() {
        String out = inPod("tcpclient", "busybox", "for i in $(seq 20); do echo \"cip $(timeout 5 wget -qO- http://" + echoIp
                + "/)\"; echo \"np $(timeout 5 wget -qO- http://" + nodeIp + ":" + echoHttpNodePort + "/)\"; done");
        assertEquals(echoPods, answers(out, "cip "), out);
        assertEquals(echoPods, answers(out, "np "), out);
    }

    @Test
    @Order(3)
    void clusterIpAndNodePortUdpFromAPod() {
        String out = inPod("udpclient", "nginx", "perl -e \"$0\" " + echoIp + ":5353 20; perl -e \"$0\" " + nodeIp + ":"
                + echoUdpNodePort + " 20", UDP_CLIENT);
        List<String> lines = out.lines().filter(l -> l.startsWith("udp ")).toList();
        assertEquals(40, lines.size(), out);
        assertEquals(echoPods, answers(String.join("\n", lines.subList(0, 20)), "udp "), "cluster IP: " + out);
        assertEquals(echoPods, answers(String.join("\n", lines.subList(20, 40)), "udp "), "node port: " + out);
    }

    @Test
    @Order(4)
    void clientIpAffinitySendsEveryRequestOfOneClientToOnePod() {
        String sticky = kubectl("-n", NS, "get", "service", "sticky", "-o", "jsonpath={.spec.clusterIP}").ok().out().trim();
        List<String> fromHost = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fromHost.add(curl(sticky + ":80"));
        }
        Set<String> hostHits = new TreeSet<>(fromHost);
        assertEquals(1, hostHits.size(), "100 requests from the host: " + hostHits);
        assertTrue(echoPods.containsAll(hostHits), hostHits.toString());

        String out = inPod("stickyclient", "busybox", "for i in $(seq 100); do echo \"hit $(timeout 5 wget -qO- http://" + sticky + "/)\"; done");
        assertEquals(100, out.lines().filter(l -> l.startsWith("hit ")).count(), out);
        Set<String> podHits = answers(out, "hit ");
        assertEquals(1, podHits.size(), "100 requests from one pod: " + podHits);
        assertTrue(echoPods.containsAll(podHits), podHits.toString());
    }

    @Test
    @Order(5)
    void headlessServiceResolvesToThePodIps() {
        String out = inPod("headlessdns", "busybox", "nslookup headless." + NS + ".svc.cluster.local");
        Set<String> addresses = out.lines().filter(l -> l.startsWith("Address: ")).map(l -> l.substring(9).trim())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(echoPodIps, addresses, out);
    }

    @Test
    @Order(6)
    void externalTrafficPolicyLocalAnswersOnlyWithALocalEndpoint() {
        String solo = kubectl("-n", NS, "get", "pods", "-l", "app=solo", "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
        int nodePort = Integer.parseInt(kubectl("-n", NS, "get", "service", "solo-local", "-o",
                "jsonpath={.spec.ports[0].nodePort}").ok().out().trim());
        assertEquals(Integer.toString(HEALTH_CHECK_NODE_PORT), kubectl("-n", NS, "get", "service", "solo-local", "-o",
                "jsonpath={.spec.healthCheckNodePort}").ok().out().trim());
        String hc = "http://" + nodeIp + ":" + HEALTH_CHECK_NODE_PORT + "/";

        assertEquals(solo, eventually(Duration.ofSeconds(20), () -> curl(nodeIp + ":" + nodePort), solo::equals));
        String health = eventually(Duration.ofSeconds(20), () -> curlStatus(hc), s -> s.startsWith("200 "));
        assertTrue(health.contains("\"localEndpoints\":1") && health.contains("\"name\":\"solo-local\"")
                && health.contains("\"namespace\":\"" + NS + "\""), health);

        kubectl("-n", NS, "scale", "deployment", "solo", "--replicas=0").ok();
        health = eventually(Duration.ofSeconds(60), () -> curlStatus(hc), s -> s.startsWith("503 "));
        assertTrue(health.contains("\"localEndpoints\":0"), health);
        String answer = eventually(Duration.ofSeconds(20), () -> curl(nodeIp + ":" + nodePort), String::isEmpty);
        assertEquals("", answer, "no endpoint: the node port does not answer");

        kubectl("-n", NS, "scale", "deployment", "solo", "--replicas=1").ok();
        kubectl(Duration.ofSeconds(150), "-n", NS, "rollout", "status", "deployment/solo", "--timeout=120s").ok();
        // the scaled-down pod may still be listed (Terminating): the one that came back is the one not being deleted
        String back = eventually(Duration.ofSeconds(30), () -> kubectl("-n", NS, "get", "pods", "-l", "app=solo", "-o",
                "go-template={{range .items}}{{if not .metadata.deletionTimestamp}}{{.metadata.name}} {{end}}{{end}}").ok().out().trim(),
                names -> !names.isEmpty() && !names.contains(" "));
        assertEquals(back, eventually(Duration.ofSeconds(30), () -> curl(nodeIp + ":" + nodePort), back::equals));
        eventually(Duration.ofSeconds(20), () -> curlStatus(hc), s -> s.startsWith("200 "));
    }

    /**
     * With a second node ({@code ./kybernetes join}): pods {@code near} on this node and {@code far} on the other,
     * each behind its own Service; clients pinned to each node reach the other node's pod by pod IP (the VXLAN
     * overlay) and by cluster IP (their own node's proxy DNATs to a pod across the overlay), and so does the host.
     */
    @Test
    @Order(7)
    void podToPodAndPodToServiceAcrossTwoNodes() throws IOException {
        String other = List.of(kubectl("get", "nodes", "-o", "jsonpath={.items[*].metadata.name}").ok().out().trim().split("\\s+"))
                .stream().filter(n -> !n.equals(nodeName)).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "a single node: './kybernetes join' adds a second");
        Path manifest = Files.createTempFile("e2e-network-nodes", ".yaml");
        StringBuilder yaml = new StringBuilder();
        for (String[] p : List.of(new String[] {"near", nodeName}, new String[] {"far", other})) {
            yaml.append("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %1$s, labels: {app: %1$s}}
                    spec:
                      nodeName: %2$s
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: http
                        image: busybox
                        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www']
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: %1$s}
                    spec:
                      selector: {app: %1$s}
                      ports: [{name: http, port: 80, targetPort: 8080}]
                    ---
                    """.formatted(p[0], p[1]));
        }
        Files.writeString(manifest, yaml.toString());
        kubectl("-n", NS, "apply", "-f", manifest.toString()).ok();
        Files.delete(manifest);
        kubectl(Duration.ofSeconds(150), "-n", NS, "wait", "--for=condition=Ready", "pod/near", "pod/far", "--timeout=120s").ok();
        String nearIp = kubectl("-n", NS, "get", "pod", "near", "-o", "jsonpath={.status.podIP}").ok().out().trim();
        String farIp = kubectl("-n", NS, "get", "pod", "far", "-o", "jsonpath={.status.podIP}").ok().out().trim();
        String nearSvc = kubectl("-n", NS, "get", "service", "near", "-o", "jsonpath={.spec.clusterIP}").ok().out().trim();
        String farSvc = kubectl("-n", NS, "get", "service", "far", "-o", "jsonpath={.spec.clusterIP}").ok().out().trim();
        assertTrue(!nearIp.isEmpty() && !farIp.isEmpty() && !nearIp.equals(farIp), nearIp + " " + farIp);

        assertEquals("far", eventually(Duration.ofSeconds(20), () -> curl(farIp + ":8080"), "far"::equals), "host -> far pod");
        assertEquals("far", eventually(Duration.ofSeconds(20), () -> curl(farSvc + ":80"), "far"::equals), "host -> far Service");

        String fromHere = inPodOn("fromnear", nodeName, "echo \"pod $(timeout 5 wget -qO- http://" + farIp + ":8080/)\";"
                + " echo \"svc $(timeout 5 wget -qO- http://" + farSvc + "/)\"; echo \"dns $(timeout 5 wget -qO- http://far/)\"");
        assertEquals(Set.of("far"), answers(fromHere, "pod "), "pod on " + nodeName + " -> pod on " + other + ": " + fromHere);
        assertEquals(Set.of("far"), answers(fromHere, "svc "), "pod on " + nodeName + " -> Service on " + other + ": " + fromHere);
        assertEquals(Set.of("far"), answers(fromHere, "dns "), "by name: " + fromHere);

        String fromThere = inPodOn("fromfar", other, "echo \"pod $(timeout 5 wget -qO- http://" + nearIp + ":8080/)\";"
                + " echo \"svc $(timeout 5 wget -qO- http://" + nearSvc + "/)\"; echo \"dns $(timeout 5 wget -qO- http://near/)\"");
        assertEquals(Set.of("near"), answers(fromThere, "pod "), "pod on " + other + " -> pod on " + nodeName + ": " + fromThere);
        assertEquals(Set.of("near"), answers(fromThere, "svc "), "pod on " + other + " -> Service on " + nodeName + ": " + fromThere);
        assertEquals(Set.of("near"), answers(fromThere, "dns "), "by name (the DNS add-on runs on " + nodeName + "): " + fromThere);
    }

    // ------------------------------------------------------------------------------------------ clients

    /** One HTTP GET with curl from the host; the body's first line, or "" when nothing answered. */
    private static String curl(String hostPort) {
        Cli.Result r = Cli.run(Duration.ofSeconds(10), "curl", "-sS", "-m", "3", "http://" + hostPort + "/");
        return r.exit() == 0 ? r.out().strip() : "";
    }

    /** "STATUS BODY" of a GET with curl. */
    private static String curlStatus(String url) {
        Cli.Result r = Cli.run(Duration.ofSeconds(10), "curl", "-sS", "-m", "3", "-w", "\n%{http_code}", url);
        String[] parts = r.out().split("\n");
        return parts[parts.length - 1] + " " + r.out();
    }

    private static Set<String> httpAnswers(String hostPort, int n) {
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            String a = curl(hostPort);
            seen.add(a.isEmpty() ? "<no answer>" : a);
        }
        return seen;
    }

    /** {@code n} datagrams from the host, each from a fresh socket; the distinct answers. */
    private static Set<String> udpAnswers(String host, int port, int n) {
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(2000);
                byte[] hi = "hi".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(hi, hi.length, new InetSocketAddress(host, port)));
                DatagramPacket in = new DatagramPacket(new byte[512], 512);
                s.receive(in);
                seen.add(new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8).strip());
            } catch (SocketTimeoutException e) {
                seen.add("<no answer>");
            } catch (IOException e) {
                seen.add("<" + e.getMessage() + ">");
            }
        }
        return seen;
    }

    /** Runs {@code script} with sh in a fresh pod of {@code image}; extra args become $0, $1... Returns the logs. */
    private static String inPod(String name, String image, String script, String... args) {
        return run(name, image, null, script, args);
    }

    private static String inPodOn(String name, String node, String script) {
        return run(name, "busybox", node, script);
    }

    private static String run(String name, String image, String node, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("-n", NS, "run", name, "--image=" + image, "--restart=Never"));
        if (node != null) {
            cmd.add("--overrides={\"apiVersion\":\"v1\",\"spec\":{\"nodeName\":\"" + node + "\"}}");
        }
        cmd.addAll(List.of("--", "sh", "-c", script));
        cmd.addAll(List.of(args));
        kubectl(cmd.toArray(String[]::new)).ok();
        String phase = eventually(Duration.ofSeconds(120),
                () -> kubectl("-n", NS, "get", "pod", name, "-o", "jsonpath={.status.phase}").out(),
                p -> p.equals("Succeeded") || p.equals("Failed"));
        String logs = kubectl("-n", NS, "logs", name).ok().out();
        assertEquals("Succeeded", phase, logs);
        return logs;
    }

    private static Set<String> answers(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).strip())
                .map(a -> a.isEmpty() ? "<no answer>" : a).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> words(String s) {
        return new TreeSet<>(List.of(s.trim().split("\\s+")));
    }

    private static String http(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new AssertionError("cannot ask the proxy for its mode at " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
