package io.kybernetes.dns.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * The DNS benchmark (issue 9, Done-when 5). Starts the packaged server (target/quarkus-app, the image's JVM flags)
 * as its own process against fabric8's mock API server holding {@code bench.services} ClusterIP Services and 20
 * headless ones with 5 endpoints each, then runs {@code bench.clients} closed-loop UDP clients (one query in flight
 * each) for {@code bench.seconds} and prints queries/s and latency percentiles. Query mix per client: 40% Service A
 * (hit), 30% search-path miss (NXDOMAIN, as ndots:5 produces), 10% SRV, 10% headless A, 10% PTR.
 *
 * <pre>cd dns && mvn -B -q package -DskipTests && mvn -B test -Dtest=DnsBenchmark [-Dbench.clients=8 -Dbench.seconds=10]</pre>
 */
class DnsBenchmark {

    static final int SERVICES = Integer.getInteger("bench.services", 300);
    static final int HEADLESS = 20;
    static final int CLIENTS = Integer.getInteger("bench.clients", 8);
    static final int SECONDS = Integer.getInteger("bench.seconds", 10);

    record Query(byte[] wire, int rcode) {
    }

    @Test
    void queriesPerSecondAndP99() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "run mvn package first (needs " + jar + ")");
        KubernetesMockServer api = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(),
                new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName("127.0.0.1"), 0);
        Path dir = Files.createTempDirectory("dns-bench-");
        Process server = null;
        try (KubernetesClient client = api.createClient()) {
            fill(client);
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: m\n  cluster:\n"
                    + "    server: http://127.0.0.1:" + api.getPort() + "\ncontexts:\n- name: m\n  context:\n"
                    + "    cluster: m\n    user: u\ncurrent-context: m\nusers:\n- name: u\n  user: {}\n");
            int port = freePort();
            server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-Xmx48m", "-XX:TieredStopAtLevel=1", "-Xss512k",
                    "-Dkybernetes.websocket-watches=true", "-jar", jar.toString(),
                    "--kubeconfig", kubeconfig.toString(), "--listen", "127.0.0.1:" + port, "--health-port", "0",
                    "--upstream", "127.0.0.1:9", "--endpoint-slices", "false", "--v", "warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
            waitForRecords(port);

            List<Query> mix = mix();
            List<long[]> latencies = new ArrayList<>();
            long[] errors = new long[CLIENTS];
            Thread[] threads = new Thread[CLIENTS];
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            long end = warmupEnd + TimeUnit.SECONDS.toNanos(SECONDS);
            for (int i = 0; i < CLIENTS; i++) {
                long[] lat = new long[4_000_000];
                latencies.add(lat);
                int id = i;
                threads[i] = new Thread(() -> run(port, mix, id, warmupEnd, end, lat, errors), "bench-" + i);
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            long total = 0;
            for (long[] l : latencies) {
                total += l[0];
            }
            long[] all = new long[(int) total];
            int k = 0;
            for (long[] l : latencies) {
                System.arraycopy(l, 1, all, k, (int) l[0]);
                k += (int) l[0];
            }
            Arrays.sort(all);
            long errs = Arrays.stream(errors).sum();
            String rss = Files.readAllLines(Path.of("/proc/" + server.pid() + "/status")).stream()
                    .filter(s -> s.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
            System.out.printf("%nDNS benchmark: %d ClusterIP + %d headless Services, %d clients, %d s (after 3 s warm-up), "
                            + "%d cores%n", SERVICES, HEADLESS, CLIENTS, SECONDS, Runtime.getRuntime().availableProcessors());
            System.out.printf("  queries: %d, %.0f queries/s, errors/timeouts: %d%n", total, total / (double) SECONDS, errs);
            System.out.printf("  latency: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
                    ms(pct(all, 0.50)), ms(pct(all, 0.90)), ms(pct(all, 0.99)), ms(pct(all, 0.999)),
                    ms(all.length == 0 ? 0 : all[all.length - 1]));
            System.out.printf("  server: -Xmx48m SerialGC C1, %s%n%n", rss);
            assertTrue(total > 0, "no answers");
            assertEquals(0, errs, "wrong answers or timeouts");
        } finally {
            if (server != null) {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
            api.destroy();
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    static void fill(KubernetesClient c) {
        for (int i = 0; i < SERVICES; i++) {
            c.resource(new ServiceBuilder().withNewMetadata().withNamespace("bench").withName("svc-" + i).endMetadata()
                    .withNewSpec().withClusterIP(clusterIp(i)).addNewPort().withName("http").withProtocol("TCP")
                    .withPort(80).endPort().endSpec().build()).create();
        }
        for (int i = 0; i < HEADLESS; i++) {
            c.resource(new ServiceBuilder().withNewMetadata().withNamespace("bench").withName("hl-" + i).endMetadata()
                    .withNewSpec().withClusterIP("None").addNewPort().withName("http").withProtocol("TCP")
                    .withPort(80).endPort().endSpec().build()).create();
            var subset = new EndpointsBuilder().withNewMetadata().withNamespace("bench").withName("hl-" + i)
                    .endMetadata().addNewSubset();
            for (int e = 0; e < 5; e++) {
                subset.addNewAddress().withIp("10.244." + (i + 10) + "." + (e + 1)).withHostname("hl-" + i + "-" + e)
                        .endAddress();
            }
            c.resource(subset.addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort().endSubset()
                    .build()).create();
        }
    }

    static String clusterIp(int i) {
        return "10.96." + (1 + i / 250) + "." + (1 + i % 250);
    }

    static List<Query> mix() throws IOException {
        List<Query> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int s = (i * 37) % SERVICES;
            String svc = "svc-" + s + ".bench.svc.cluster.local.";
            if (i % 10 < 4) {
                out.add(query(svc, Type.A, Rcode.NOERROR));
            } else if (i % 10 < 7) {
                out.add(query("svc-" + s + ".bench.svc.cluster.local.bench.svc.cluster.local.", Type.A, Rcode.NXDOMAIN));
            } else if (i % 10 == 7) {
                out.add(query("_http._tcp." + svc, Type.SRV, Rcode.NOERROR));
            } else if (i % 10 == 8) {
                out.add(query("hl-" + (i % HEADLESS) + ".bench.svc.cluster.local.", Type.A, Rcode.NOERROR));
            } else {
                out.add(query(ReverseMap.fromAddress(clusterIp(s)).toString(), Type.PTR, Rcode.NOERROR));
            }
        }
        return out;
    }

    static Query query(String name, int type, int rcode) throws IOException {
        return new Query(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire(), rcode);
    }

    /** One closed-loop client: latencies[0] counts, latencies[1..] hold nanoseconds. */
    static void run(int port, List<Query> mix, int id, long warmupEnd, long end, long[] latencies, long[] errors) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(2000);
            s.connect(new InetSocketAddress("127.0.0.1", port));
            byte[] buf = new byte[1500];
            int n = 0;
            int seq = id * 7919;
            while (true) {
                long now = System.nanoTime();
                if (now >= end || latencies[0] >= latencies.length - 1) {
                    return;
                }
                Query q = mix.get(n++ % mix.size());
                byte[] wire = q.wire().clone();
                seq = (seq + 1) & 0xffff;
                wire[0] = (byte) (seq >> 8);
                wire[1] = (byte) seq;
                long t0 = System.nanoTime();
                s.send(new DatagramPacket(wire, wire.length));
                boolean ok;
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    do {
                        s.receive(p);
                    } while ((((buf[0] & 0xff) << 8) | (buf[1] & 0xff)) != seq);
                    ok = (buf[3] & 0x0f) == q.rcode() && (q.rcode() != Rcode.NOERROR || (buf[6] | buf[7]) != 0);
                } catch (SocketTimeoutException e) {
                    ok = false;
                }
                long t1 = System.nanoTime();
                if (t0 >= warmupEnd) {
                    if (ok) {
                        latencies[(int) ++latencies[0]] = t1 - t0;
                    } else {
                        errors[id]++;
                    }
                }
            }
        } catch (IOException e) {
            errors[id]++;
        }
    }

    static void waitForRecords(int port) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(1));
        Message q = Message.newQuery(Record.newRecord(Name.fromString("hl-" + (HEADLESS - 1)
                + ".bench.svc.cluster.local."), Type.A, DClass.IN));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                Message m = r.send(q);
                if (m.getRcode() == Rcode.NOERROR && m.getSection(org.xbill.DNS.Section.ANSWER).size() == 5) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not serve the Services within 90 s");
    }

    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket u = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
                    java.net.ServerSocket t = new java.net.ServerSocket(u.getLocalPort(), 1,
                            InetAddress.getByName("127.0.0.1"))) {
                return u.getLocalPort();
            } catch (IOException e) {
                // try another
            }
        }
        throw new IOException("no free port for UDP and TCP");
    }

    static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
