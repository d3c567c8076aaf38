package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.eventually;
import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 7, Done-when 5: {@code kubectl top pod} and {@code kubectl top node} print figures that agree within 20%
 * with the cgroup counters read on the host over the same window. A busybox pod burns CPU, another holds memory;
 * while they run, the test samples their cgroups (and the root cgroup) every half second, then compares what
 * kubectl prints with the host's rate over the metrics API's window ({@code timestamp - window .. timestamp}).
 * Works on cgroup v1 (cpuacct.usage, memory.usage_in_bytes - total_inactive_file) and v2 (cpu.stat usage_usec,
 * memory.current - inactive_file).
 */
@Tag("node")
class MetricsTest {

    private static final String NS = "metricstest";
    private static final Path CGROUP = Path.of("/sys/fs/cgroup");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Host samples: key -> (unix nanos, value). */
    private static final Map<String, List<long[]>> SAMPLES = new ConcurrentHashMap<>();
    private static Thread sampler;
    private static volatile boolean sampling = true;

    @BeforeAll
    static void startPods() {
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=90s");
        kubectl("create", "namespace", NS).ok();
        kubectl("-n", NS, "run", "burn", "--image=busybox", "--labels=app=burn", "--restart=Never",
                "--", "sh", "-c", "while :; do :; done").ok();
        // ~50 MB held in a shell variable (anonymous memory of the container); a loop last, because busybox sh
        // execs a last simple command, which would free the variable
        kubectl("-n", NS, "run", "hog", "--image=busybox", "--labels=app=hog", "--restart=Never",
                "--", "sh", "-c", "x=$(yes | head -c 50000000); echo held; while :; do sleep 3600; done").ok();
        for (String pod : List.of("burn", "hog")) {
            kubectl(Duration.ofSeconds(100), "-n", NS, "wait", "--for=condition=Ready", "pod/" + pod,
                    "--timeout=90s").ok();
        }
        Cgroup burn = Cgroup.of(containerId("burn"));
        Cgroup hog = Cgroup.of(containerId("hog"));
        Map<String, LongSupplier> counters = Map.of("burn.cpu", burn::cpuNanos, "hog.mem", hog::workingSet,
                "node.cpu", Cgroup.ROOT::cpuNanos);
        counters.keySet().forEach(k -> SAMPLES.put(k, new CopyOnWriteArrayList<>()));
        sampler = new Thread(() -> {
            while (sampling) {
                counters.forEach((k, c) -> SAMPLES.get(k).add(new long[] {now(), c.getAsLong()}));
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cgroup-sampler");
        sampler.setDaemon(true);
        sampler.start();
        // the hog has filled its variable once it says so
        eventually(Duration.ofSeconds(60), () -> kubectl("-n", NS, "logs", "hog").out(), o -> o.contains("held"));
    }

    @AfterAll
    static void cleanup() {
        sampling = false;
        if (sampler != null) {
            sampler.interrupt();
        }
        kubectl("delete", "namespace", NS, "--ignore-not-found", "--wait=false");
    }

    @Test
    void theMetricsApiIsInDiscovery() {
        String out = kubectl("api-resources", "--api-group=metrics.k8s.io").ok().out();
        assertTrue(out.contains("nodes") && out.contains("NodeMetrics") && out.contains("pods")
                && out.contains("PodMetrics"), out);
        assertTrue(kubectl("api-versions").ok().out().lines().anyMatch(l -> l.equals("metrics.k8s.io/v1beta1")));
    }

    @Test
    void topPodCpuAgreesWithTheCgroupCounter() {
        // one metrics window after the hog is settled, so the window holds only steady burning
        podMetrics("burn", Duration.ofSeconds(90));
        String path = "/apis/metrics.k8s.io/v1beta1/namespaces/" + NS + "/pods/burn";
        String[] topOut = new String[1];
        JsonNode m = sameWindow(path, () -> topOut[0] = waitForTop("pod", "burn"));
        String top = topOut[0];
        long topMillis = millicores(column(top, "burn", 1));
        double host = hostRate("burn.cpu", m) / 1e6;
        System.out.printf("burn: kubectl top %dm, metrics API %s over %s, host cgroup %.0fm%n", topMillis,
                m.path("containers").get(0).path("usage").path("cpu").asText(), m.path("window").asText(), host);
        assertTrue(host > 100, "the burner should burn: " + host + "m");
        assertWithin(20, host, topMillis, "kubectl top pod burn CPU vs cgroup");
    }

    @Test
    void topPodMemoryAgreesWithTheCgroupWorkingSet() {
        podMetrics("hog", Duration.ofSeconds(90));
        String top = waitForTop("pod", "hog");
        long topMi = mebibytes(column(top, "hog", 2));
        List<long[]> s = SAMPLES.get("hog.mem");
        double hostMi = s.get(s.size() - 1)[1] / (1024.0 * 1024.0);
        System.out.printf("hog: kubectl top %dMi, host cgroup working set %.1fMi%n", topMi, hostMi);
        assertTrue(hostMi > 40, "the hog should hold ~50 MB: " + hostMi);
        assertWithin(20, hostMi, topMi, "kubectl top pod hog memory vs cgroup");
    }

    @Test
    void topNodeAgreesWithTheRootCgroup() throws IOException {
        String node = kubectl("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
        String path = "/apis/metrics.k8s.io/v1beta1/nodes/" + node;
        eventually(Duration.ofSeconds(60), () -> raw(path), Optional::isPresent);
        String[] topOut = new String[1];
        JsonNode m = sameWindow(path, () -> topOut[0] = kubectl("top", "node", "--no-headers").ok().out());
        String top = topOut[0];
        String line = top.lines().filter(l -> l.startsWith(node + " ")).findFirst().orElseThrow(() ->
                new AssertionError(top));
        String[] f = line.trim().split("\\s+");
        long topMillis = millicores(f[1]);
        long topMi = mebibytes(f[3]);
        assertTrue(f[2].endsWith("%") && f[4].endsWith("%"), line);
        double host = hostRate("node.cpu", m) / 1e6;
        double hostMi = Cgroup.ROOT.workingSet() / (1024.0 * 1024.0);
        System.out.printf("node: kubectl top %dm %dMi, host root cgroup %.0fm %.0fMi (%s)%n", topMillis, topMi, host,
                hostMi, line);
        assertWithin(20, host, topMillis, "kubectl top node CPU vs root cgroup");
        if (hostMi > 0) {
            assertWithin(20, hostMi, topMi, "kubectl top node memory vs root cgroup");
        }
    }

    @Test
    void topPodAllNamespacesContainersAndSelectors() {
        waitForTop("pod", "burn");
        waitForTop("pod", "hog");
        String all = kubectl("top", "pod", "-A", "--no-headers").ok().out();
        assertTrue(all.lines().anyMatch(l -> l.startsWith(NS + " ") && l.contains(" burn ")), all);
        assertTrue(all.lines().anyMatch(l -> l.startsWith(NS + " ") && l.contains(" hog ")), all);
        String containers = kubectl("-n", NS, "top", "pod", "burn", "--containers", "--no-headers").ok().out();
        String[] f = containers.trim().split("\\s+");
        assertEquals("burn", f[0], containers);
        assertEquals("burn", f[1], containers);
        String selected = kubectl("-n", NS, "top", "pod", "-l", "app=hog", "--no-headers").ok().out();
        assertTrue(selected.contains("hog") && !selected.contains("burn"), selected);
        String none = kubectl("-n", NS, "top", "pod", "nosuchpod").out() + kubectl("-n", NS, "top", "pod",
                "nosuchpod").err();
        assertTrue(none.contains("not found"), none);
        String list = raw("/apis/metrics.k8s.io/v1beta1/namespaces/" + NS + "/pods?labelSelector=app%3Dburn")
                .orElseThrow().toString();
        assertTrue(list.contains("\"PodMetricsList\"") && list.contains("\"burn\"") && !list.contains("\"hog\""),
                list);
    }

    // ---- helpers

    /** The pod's PodMetrics, once its window starts after {@code settled} of the pod's life. */
    private static JsonNode podMetrics(String pod, Duration settled) {
        Instant started = Instant.parse(kubectl("-n", NS, "get", "pod", pod, "-o",
                "jsonpath={.status.startTime}").ok().out().trim());
        return eventually(settled.plusSeconds(60), () -> raw("/apis/metrics.k8s.io/v1beta1/namespaces/" + NS
                + "/pods/" + pod).filter(m -> {
                    Instant t = Instant.parse(m.path("timestamp").asText());
                    return t.minus(windowOf(m)).isAfter(started.plus(Duration.ofSeconds(20)));
                }), Optional::isPresent).get();
    }

    /**
     * Runs {@code top} between two reads of the metrics object and returns it once both reads have the same
     * timestamp, so what kubectl printed and the window the host rate is taken over are the same scrape's.
     */
    private static JsonNode sameWindow(String path, Runnable top) {
        for (int i = 0; i < 5; i++) {
            JsonNode before = raw(path).orElseThrow();
            top.run();
            JsonNode after = raw(path).orElseThrow();
            if (before.path("timestamp").equals(after.path("timestamp"))) {
                return after;
            }
        }
        throw new AssertionError("the metrics of " + path + " changed during every kubectl top");
    }

    private static String waitForTop(String what, String name) {
        return eventually(Duration.ofSeconds(60), () -> kubectl("-n", NS, "top", what, name, "--no-headers"),
                r -> r.exit() == 0 && r.out().contains(name)).out();
    }

    private static Duration windowOf(JsonNode m) {
        return Duration.parse("PT" + m.path("window").asText().toUpperCase());
    }

    private static Optional<JsonNode> raw(String path) {
        Cli.Result r = kubectl("get", "--raw", path);
        if (r.exit() != 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(r.out()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The host's counter rate (per second) over the metrics object's window, interpolated between samples. */
    private static double hostRate(String key, JsonNode m) {
        Instant t = Instant.parse(m.path("timestamp").asText());
        long end = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        long start = end - windowOf(m).toNanos();
        List<long[]> s = new ArrayList<>(SAMPLES.get(key));
        assertTrue(s.size() > 2 && s.get(0)[0] < start && s.get(s.size() - 1)[0] > end - 1_000_000_000L,
                "host samples do not cover the window " + m);
        return (at(s, end) - at(s, start)) * 1e9 / (end - start);
    }

    private static double at(List<long[]> s, long t) {
        for (int i = 1; i < s.size(); i++) {
            if (s.get(i)[0] >= t) {
                long[] a = s.get(i - 1);
                long[] b = s.get(i);
                return a[1] + (double) (b[1] - a[1]) * (t - a[0]) / Math.max(1, b[0] - a[0]);
            }
        }
        return s.get(s.size() - 1)[1];
    }

    private static String column(String top, String name, int i) {
        String line = top.lines().filter(l -> l.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError(top));
        return line.trim().split("\\s+")[i];
    }

    private static long millicores(String s) {
        return s.endsWith("m") ? Long.parseLong(s.substring(0, s.length() - 1)) : Long.parseLong(s) * 1000;
    }

    private static long mebibytes(String s) {
        assertTrue(s.endsWith("Mi"), s);
        return Long.parseLong(s.substring(0, s.length() - 2));
    }

    private static void assertWithin(double percent, double expected, double actual, String what) {
        double diff = Math.abs(actual - expected);
        assertTrue(diff <= Math.max(expected, 1) * percent / 100, what + ": expected " + expected + " within "
                + percent + "%, was " + actual);
    }

    private static long now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static String containerId(String pod) {
        String id = eventually(Duration.ofSeconds(30), () -> kubectl("-n", NS, "get", "pod", pod, "-o",
                "jsonpath={.status.containerStatuses[0].containerID}").out(), s -> s.contains("://"));
        return id.substring(id.indexOf("://") + 3).trim();
    }

    /** A container's (or the root's) cgroup on the host, v1 or v2. */
    record Cgroup(Path cpuacct, Path cpuV2, Path memoryV1, Path memoryV2) {

        static final Cgroup ROOT = new Cgroup(CGROUP.resolve("cpuacct"), first(CGROUP, CGROUP.resolve("unified")),
                CGROUP.resolve("memory"), CGROUP);

        /** Finds the directories named after the container id under every hierarchy. */
        static Cgroup of(String id) {
            List<Path> dirs;
            try (Stream<Path> s = Files.find(CGROUP, 6, (p, a) -> a.isDirectory() && p.getFileName().toString()
                    .contains(id))) {
                dirs = s.toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path cpuacct = null;
            Path v2 = null;
            Path memory = null;
            for (Path d : dirs) {
                if (Files.exists(d.resolve("cpuacct.usage"))) {
                    cpuacct = d;
                }
                if (Files.exists(d.resolve("memory.usage_in_bytes"))) {
                    memory = d;
                }
                if (Files.exists(d.resolve("cpu.stat")) && Files.exists(d.resolve("cgroup.controllers"))) {
                    v2 = d;
                }
            }
            assertTrue(cpuacct != null || v2 != null, "no cgroup of container " + id + " under " + CGROUP + ": " + dirs);
            return new Cgroup(cpuacct, v2, memory, v2);
        }

        private static Path first(Path... candidates) {
            for (Path p : candidates) {
                if (Files.exists(p.resolve("cpu.stat"))) {
                    return p;
                }
            }
            return null;
        }

        long cpuNanos() {
            if (cpuacct != null && Files.exists(cpuacct.resolve("cpuacct.usage"))) {
                return Long.parseLong(read(cpuacct.resolve("cpuacct.usage")).trim());
            }
            return field(read(cpuV2.resolve("cpu.stat")), "usage_usec") * 1000;
        }

        long workingSet() {
            if (memoryV1 != null && Files.exists(memoryV1.resolve("memory.usage_in_bytes"))) {
                return Long.parseLong(read(memoryV1.resolve("memory.usage_in_bytes")).trim())
                        - field(read(memoryV1.resolve("memory.stat")), "total_inactive_file");
            }
            if (memoryV2 != null && Files.exists(memoryV2.resolve("memory.current"))) {
                return Long.parseLong(read(memoryV2.resolve("memory.current")).trim())
                        - field(read(memoryV2.resolve("memory.stat")), "inactive_file");
            }
            return 0;
        }

        private static long field(String stat, String key) {
            return stat.lines().map(l -> l.split(" ")).filter(f -> f.length == 2 && f[0].equals(key))
                    .mapToLong(f -> Long.parseLong(f[1])).findFirst().orElse(0);
        }

        private static String read(Path p) {
            try {
                return new String(Files.readAllBytes(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
