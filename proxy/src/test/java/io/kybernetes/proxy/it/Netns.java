package io.kybernetes.proxy.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A scratch "node" made of network namespaces, so the proxy's rules never touch the host's tables:
 * <pre>
 *   kybp-node   the node: bridge br0 10.246.0.1/24 (the pod network), vx 10.247.0.1/24 (an outside network),
 *               ip_forward on; the proxy runs its iptables/nft/conntrack commands here (ip netns exec)
 *   kybp-a, -b  pods 10.246.0.11/.12: HTTP on 8080 and UDP on 5353, both answer "pod a" / "pod b"
 *   kybp-c      a client pod 10.246.0.13
 *   kybp-x      a client outside the cluster, 10.247.0.2 (routes via the node)
 * </pre>
 * Deleting the namespaces removes everything (links, rules, conntrack entries); only the server processes need a kill.
 */
final class Netns {

    static final String NODE = "kybp-node";
    static final String POD_CIDR = "10.246.0.0/24";
    static final String NODE_IP = "10.246.0.1";
    static final String NODE_OUTSIDE_IP = "10.247.0.1";
    static final String A = "kybp-a";
    static final String B = "kybp-b";
    static final String C = "kybp-c";
    static final String X = "kybp-x";
    static final Map<String, String> IPS = Map.of(A, "10.246.0.11", B, "10.246.0.12", C, "10.246.0.13", X, "10.247.0.2");
    static final List<String> ALL = List.of(NODE, A, B, C, X);

    static final String UDP_SERVER = """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("0.0.0.0", 5353))
            while True:
                d, a = s.recvfrom(512)
                s.sendto(sys.argv[1].encode(), a)
            """;

    /** Sends N datagrams, each from a fresh socket (a new flow); prints each answer or "timeout". */
    static final String UDP_CLIENT = """
            import socket, sys
            for i in range(int(sys.argv[3])):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(2)
                try:
                    s.sendto(b"hi", (sys.argv[1], int(sys.argv[2])))
                    print(s.recvfrom(512)[0].decode())
                except OSError:
                    print("timeout")
                s.close()
            """;

    private static final List<Process> servers = new ArrayList<>();
    private static Path dir;

    private Netns() {
    }

    static void up() throws Exception {
        down();
        dir = Files.createTempDirectory("proxy-it-www-");
        Files.writeString(dir.resolve("udp_server.py"), UDP_SERVER);
        Files.writeString(dir.resolve("udp_client.py"), UDP_CLIENT);
        for (String ns : ALL) {
            run("ip", "netns", "add", ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        run("ip", "-n", NODE, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", NODE, "addr", "add", NODE_IP + "/24", "dev", "br0");
        run("ip", "-n", NODE, "link", "set", "br0", "up");
        run("ip", "netns", "exec", NODE, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        for (String pod : List.of(A, B, C)) {
            String veth = "v" + pod.substring(pod.length() - 1);
            run("ip", "link", "add", veth, "netns", NODE, "type", "veth", "peer", "name", "eth0", "netns", pod);
            run("ip", "-n", NODE, "link", "set", veth, "master", "br0", "up");
            run("ip", "-n", pod, "addr", "add", IPS.get(pod) + "/24", "dev", "eth0");
            run("ip", "-n", pod, "link", "set", "eth0", "up");
            run("ip", "-n", pod, "route", "add", "default", "via", NODE_IP);
        }
        run("ip", "link", "add", "vx", "netns", NODE, "type", "veth", "peer", "name", "eth0", "netns", X);
        run("ip", "-n", NODE, "addr", "add", NODE_OUTSIDE_IP + "/24", "dev", "vx");
        run("ip", "-n", NODE, "link", "set", "vx", "up");
        run("ip", "-n", X, "addr", "add", IPS.get(X) + "/24", "dev", "eth0");
        run("ip", "-n", X, "link", "set", "eth0", "up");
        run("ip", "-n", X, "route", "add", "default", "via", NODE_OUTSIDE_IP);
        // a node has a default route; without one the node's own packets to a cluster IP are unroutable
        run("ip", "-n", NODE, "route", "add", "default", "via", IPS.get(X));
        for (String pod : List.of(A, B)) {
            String name = "pod " + pod.substring(pod.length() - 1);
            Path www = Files.createDirectories(dir.resolve(pod));
            Files.writeString(www.resolve("index.html"), name + "\n");
            servers.add(new ProcessBuilder("ip", "netns", "exec", pod, "busybox", "httpd", "-f", "-p", "8080", "-h",
                    www.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            servers.add(new ProcessBuilder("ip", "netns", "exec", pod, "python3", dir.resolve("udp_server.py").toString(),
                    name).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        for (String pod : List.of(A, B)) {
            String name = "pod " + pod.substring(pod.length() - 1);
            await("servers in " + pod, Duration.ofSeconds(10),
                    () -> httpGet(C, IPS.get(pod), 8080, 1).equals(List.of(name))
                            && udp(C, IPS.get(pod), 5353, 1).equals(List.of(name)));
        }
    }

    static void down() throws IOException {
        for (Process p : servers) {
            p.destroy();
        }
        servers.clear();
        for (String ns : ALL) {
            try {
                for (String pid : run("ip", "netns", "pids", ns).split("\\s+")) {
                    if (!pid.isBlank()) {
                        quietly("kill", "-9", pid.strip());
                    }
                }
            } catch (IOException e) {
                // namespace absent
            }
            quietly("ip", "netns", "del", ns);
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
            dir = null;
        }
    }

    /** {@code count} HTTP GETs from namespace {@code from}, each a new connection; the bodies ("error" on failure). */
    static List<String> httpGet(String from, String ip, int port, int count) {
        String script = "for i in $(seq " + count + "); do curl -s -m 2 http://" + ip + ":" + port + "/ || echo error; done";
        return lines(tryRun("ip", "netns", "exec", from, "sh", "-c", script));
    }

    /** {@code count} UDP requests from namespace {@code from}, each a new flow; the answers ("timeout" on none). */
    static List<String> udp(String from, String ip, int port, int count) {
        return lines(tryRun("ip", "netns", "exec", from, "python3", dir.resolve("udp_client.py").toString(), ip,
                String.valueOf(port), String.valueOf(count)));
    }

    /** The output of a curl that is expected to fail: its error text. */
    static String curlError(String from, String ip, int port) {
        return tryRun("ip", "netns", "exec", from, "curl", "-sS", "-m", "2", "http://" + ip + ":" + port + "/");
    }

    static String onNode(String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", NODE));
        c.addAll(List.of(command));
        return tryRun(c.toArray(String[]::new));
    }

    static List<String> lines(String out) {
        List<String> l = new ArrayList<>();
        for (String s : out.split("\n")) {
            if (!s.isBlank()) {
                l.add(s.strip());
            }
        }
        return l;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }

    /** Output (stdout and stderr) whatever the exit code. */
    static String tryRun(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "error " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            // teardown of something that is not there
        }
    }
}
