package io.kybernetes.scheduler.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The scheduler's benchmark (issue 8, Done-when 4), shaped like upstream's scheduler_perf: a private store,
 * API server, hollow kubelet (N nodes) and scheduler on free ports under a scratch directory, then three phases of
 * pods (plain; required anti-affinity on hostname within groups; topology spread on hostname and zone within
 * groups), each created by concurrent clients while the scheduler runs. Throughput is bound pods divided by the time
 * from the phase's first bind to its last bind, as seen on one watch; it is compared with upstream's SchedulingBasic
 * threshold at 5,000 nodes (680 pods/s). JDK only, so bench.sh compiles it without the module's classpath.
 */
public final class SchedulerBenchmark {

    static final double UPSTREAM_THRESHOLD = 680;
    private static final Pattern NAMESPACE = Pattern.compile("\"namespace\":\"([^\"]+)\"");
    private static final Pattern POD_NAME = Pattern.compile("\"name\":\"(p-\\d+)\"");
    private static final Pattern NODE_NAME = Pattern.compile("\"nodeName\":\"([^\"]+)\"");
    private static final Pattern RV = Pattern.compile("\"resourceVersion\":\"(\\d+)\"");

    record Phase(String name, int pods, int created, double createSeconds, int bound, double bindSeconds,
                 String loadBefore, String loadAfter, Map<String, Double> cpuSeconds, double wallSeconds) {
        double podsPerSecond() {
            return bindSeconds <= 0 ? 0 : (bound - 1) / bindSeconds;
        }
    }

    private final Map<String, String> options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Per namespace: pod name to the nanoTime its binding was seen. */
    private final Map<String, Map<String, Long>> binds = new ConcurrentHashMap<>();
    private final List<Process> live = new ArrayList<>();
    /** Component name to its process, for the CPU share per phase. */
    private final Map<String, Process> components = new LinkedHashMap<>();
    private String api;

    SchedulerBenchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("nodes", "5000");
        o.put("pods", "10000");
        o.put("phases", "plain,anti-affinity,spread");
        o.put("group-size", "");
        o.put("creators", "32");
        o.put("dir", "");
        o.put("store-jar", "store/target/quarkus-app/quarkus-run.jar");
        o.put("apiserver-jar", "apiserver/target/quarkus-app/quarkus-run.jar");
        o.put("scheduler-jar", "scheduler/target/quarkus-app/quarkus-run.jar");
        o.put("kubelet-jar", "kubelet/target/quarkus-app/quarkus-run.jar");
        o.put("java-opts", "-XX:+UseParallelGC -Xss512k");
        o.put("scheduler-opts", "-Xmx1g");
        o.put("scheduler-config", "");
        o.put("jfr", "");
        o.put("pod-reports", "false");
        o.put("node-heartbeats", "false");
        o.put("kubelet-args", "");
        for (String a : args) {
            int eq = a.indexOf('=');
            String k = a.startsWith("--") && eq > 2 ? a.substring(2, eq) : null;
            if (k == null || !o.containsKey(k)) {
                System.err.println("usage: SchedulerBenchmark " + o.keySet().stream().map(x -> "[--" + x + "=" + o.get(x)
                        + "]").reduce((x, y) -> x + " " + y).orElse(""));
                System.exit(2);
            }
            o.put(k, a.substring(eq + 1));
        }
        new SchedulerBenchmark(o).run();
    }

    void run() throws Exception {
        Path root = options.get("dir").isEmpty() ? Files.createTempDirectory("scheduler-bench-")
                : Files.createDirectories(Path.of(options.get("dir")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            live.forEach(SchedulerBenchmark::stop);
            if (options.get("dir").isEmpty()) {
                deleteTree(root);
            }
        }));
        int nodes = Integer.parseInt(options.get("nodes"));
        int pods = Integer.parseInt(options.get("pods"));
        System.out.printf("scheduler benchmark %s, %d cores, load average %s; %d hollow nodes, %d pods per phase, "
                        + "%d creators, bound pods %s, node heartbeats %s; logs in %s%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), loadAverage(), nodes, pods,
                Integer.parseInt(options.get("creators")), Boolean.parseBoolean(options.get("pod-reports"))
                        ? "reported Running by the hollow kubelet" : "left alone (as scheduler_perf)",
                Boolean.parseBoolean(options.get("node-heartbeats")) ? "every 10 s (as kubemark)"
                        : "off (as scheduler_perf)", root);
        String javaOpts = options.get("java-opts");
        int etcd = freePort();
        start(root, "store", javaOpts + " -Xmx256m", options.get("store-jar"), "--data-dir=" + root.resolve("store"),
                "--listen-client-urls=http://127.0.0.1:" + etcd, "--listen-metrics-urls=http://127.0.0.1:" + freePort());
        int apiPort = freePort();
        api = "http://127.0.0.1:" + apiPort;
        start(root, "apiserver", javaOpts + " -Xmx1g", options.get("apiserver-jar"),
                "--etcd-servers=http://127.0.0.1:" + etcd, "--bind-address=127.0.0.1", "--secure-port=" + apiPort,
                "--max-requests-inflight=2000",
                // scheduler_perf has no metrics-server: the apiserver's kubelet scraping (15 s) would list every node
                // and call each hollow node's unroutable address; one round at start (no nodes yet), then a day apart
                "--metric-resolution=24h");
        awaitReady(api + "/readyz", "apiserver", root, 120);
        Path kubeconfig = root.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n"
                + "    server: " + api + "\ncontexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\n"
                + "current-context: bench\nusers:\n- name: bench\n  user: {}\n");
        int kubeletPort = freePort();
        long t0 = System.nanoTime();
        List<String> kubeletArgs = new ArrayList<>(List.of("--kubeconfig=" + kubeconfig, "--hollow-nodes=" + nodes,
                "--hollow-node-prefix=hollow-", "--address=127.0.0.1", "--port=" + kubeletPort,
                "--root-dir=" + root.resolve("kubelet"), "--pod-log-dir=" + root.resolve("pods")));
        if (!Boolean.parseBoolean(options.get("pod-reports"))) {
            // As scheduler_perf, whose nodes are plain Node objects: no kubelet acts on a bound pod (no status write
            // per pod, no pod watch in the kubelet), so only the creations and the scheduler's own work are measured.
            kubeletArgs.add("--hollow-start-delay=-1s");
        }
        if (!Boolean.parseBoolean(options.get("node-heartbeats"))) {
            // scheduler_perf's nodes renew no Lease either: 5,000 nodes every 10 s would be 500 writes/s beside the
            // pods (the benchmark runs no node lifecycle controller, so nothing reads them)
            kubeletArgs.add("--hollow-lease-interval=1h");
            kubeletArgs.add("--hollow-status-interval=1h");
        }
        if (!options.get("kubelet-args").isBlank()) {
            kubeletArgs.addAll(Arrays.asList(options.get("kubelet-args").trim().split("\\s+")));
        }
        start(root, "kubelet", javaOpts + " -Xmx1g", options.get("kubelet-jar"), kubeletArgs.toArray(String[]::new));
        awaitReady("http://127.0.0.1:" + kubeletPort + "/readyz", "kubelet", root, 900);
        System.out.printf("%d hollow nodes registered in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
        int schedulerPort = freePort();
        List<String> schedulerArgs = new ArrayList<>(List.of("--kubeconfig=" + kubeconfig, "--leader-elect=false",
                "--bind-address=127.0.0.1", "--secure-port=" + schedulerPort));
        if (!options.get("scheduler-config").isEmpty()) {
            schedulerArgs.add("--config=" + options.get("scheduler-config"));
        }
        start(root, "scheduler", javaOpts + " " + options.get("scheduler-opts"), options.get("scheduler-jar"),
                schedulerArgs.toArray(String[]::new));
        awaitReady("http://127.0.0.1:" + schedulerPort + "/readyz", "scheduler", root, 300);
        String rv = match(RV, send("GET", api + "/api/v1/pods?limit=1", null).body());
        Thread watcher = new Thread(() -> watch(rv), "bind-watch");
        watcher.setDaemon(true);
        watcher.start();
        List<Phase> results = new ArrayList<>();
        for (String phase : options.get("phases").split(",")) {
            results.add(phase(phase.trim(), pods));
            System.out.printf("  %s: %.0f pods/s%n", phase, results.get(results.size() - 1).podsPerSecond());
        }
        print(results, nodes);
    }

    private Phase phase(String phase, int pods) throws Exception {
        if (!List.of("plain", "anti-affinity", "spread").contains(phase)) {
            throw new IllegalArgumentException("unknown phase " + phase + " (plain, anti-affinity, spread)");
        }
        String ns = "bench-" + phase;
        Map<String, Long> bound = binds.computeIfAbsent(ns, k -> new ConcurrentHashMap<>());
        send("POST", api + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + ns + "\"}}");
        jfr("start", phase);
        String loadBefore = loadAverage();
        Map<String, Double> cpuBefore = cpuSeconds();
        long w0 = System.nanoTime();
        int nodes = Integer.parseInt(options.get("nodes"));
        // a group's pods must fit on distinct nodes (anti-affinity) with room to spare
        int groupSize = options.get("group-size").isEmpty() ? Math.max(1, Math.min(500, nodes / 2))
                : Integer.parseInt(options.get("group-size"));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger created = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        long c0 = System.nanoTime();
        List<Thread> creators = new ArrayList<>();
        for (int c = 0; c < Integer.parseInt(options.get("creators")); c++) {
            Thread t = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < pods; i = next.getAndIncrement()) {
                    String body = pod(phase, "p-" + i, "g-" + (i / groupSize));
                    for (int attempt = 0; ; attempt++) {
                        try {
                            HttpResponse<String> r = send("POST", api + "/api/v1/namespaces/" + ns + "/pods", body);
                            if (r.statusCode() < 300 || r.statusCode() == 409) {
                                created.incrementAndGet();
                                break;
                            }
                            if (errors.incrementAndGet() <= 5) {
                                System.out.printf("  create answered %d: %.200s%n", r.statusCode(), r.body());
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                        if (attempt >= 20) {
                            break;
                        }
                        sleep(100L * (attempt + 1));
                    }
                }
            }, "create-" + c);
            t.setDaemon(true);
            creators.add(t);
            t.start();
        }
        for (Thread t : creators) {
            t.join();
        }
        double createSeconds = (System.nanoTime() - c0) / 1e9;
        System.out.printf("[%s] %d pods created in %.1f s (%.0f/s), %d bound so far%n", phase, created.get(),
                createSeconds, created.get() / createSeconds, bound.size());
        int last = -1;
        long lastProgress = System.nanoTime();
        while (bound.size() < created.get()) {
            if (bound.size() != last) {
                last = bound.size();
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(60)) {
                System.out.printf("[%s] no binding for 60 s: %d of %d bound; giving up on this phase%n", phase,
                        bound.size(), created.get());
                break;
            }
            sleep(200);
        }
        long first = bound.values().stream().min(Long::compare).orElse(0L);
        long lastBind = bound.values().stream().max(Long::compare).orElse(0L);
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpuSeconds().forEach((k, v) -> cpu.put(k, v - cpuBefore.getOrDefault(k, 0.0)));
        jfr("stop", phase);
        return new Phase(phase, pods, created.get(), createSeconds, bound.size(), (lastBind - first) / 1e9,
                loadBefore, loadAverage(), cpu, (System.nanoTime() - w0) / 1e9);
    }

    static String pod(String phase, String name, String group) {
        String selector = "{\"matchLabels\":{\"group\":\"" + group + "\"}}";
        String placement = switch (phase) {
            case "anti-affinity" -> ",\"affinity\":{\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
                    + "[{\"labelSelector\":" + selector + ",\"topologyKey\":\"kubernetes.io/hostname\"}]}}";
            case "spread" -> ",\"topologySpreadConstraints\":["
                    + "{\"maxSkew\":1,\"topologyKey\":\"kubernetes.io/hostname\",\"whenUnsatisfiable\":\"DoNotSchedule\","
                    + "\"labelSelector\":" + selector + "},"
                    + "{\"maxSkew\":1,\"topologyKey\":\"topology.kubernetes.io/zone\",\"whenUnsatisfiable\":\"DoNotSchedule\","
                    + "\"labelSelector\":" + selector + "}]";
            default -> "";
        };
        // upstream's scheduler_perf pod-default: one pause container requesting 100m CPU and 500Mi memory
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"bench\":\""
                + phase + "\",\"group\":\"" + group + "\"}},\"spec\":{\"containers\":[{\"name\":\"pause\","
                + "\"image\":\"registry.k8s.io/pause:3.9\",\"resources\":{\"requests\":{\"cpu\":\"100m\","
                + "\"memory\":\"500Mi\"}}}]" + placement + "}}";
    }

    /** One watch on every pod: records when each pod was first seen bound. Reconnects from the last version seen. */
    private void watch(String fromVersion) {
        String rv = fromVersion;
        while (true) {
            try {
                HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(api
                                + "/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=" + rv)).GET().build(),
                        HttpResponse.BodyHandlers.ofLines());
                var it = r.body().iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    long now = System.nanoTime();
                    String v = match(RV, line);
                    if (v != null) {
                        rv = v;
                    }
                    String node = match(NODE_NAME, line);
                    if (node == null) {
                        continue;
                    }
                    String ns = match(NAMESPACE, line);
                    String name = match(POD_NAME, line);
                    if (ns != null && name != null) {
                        binds.computeIfAbsent(ns, k -> new ConcurrentHashMap<>()).putIfAbsent(name, now);
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                sleep(200); // the server ended the watch (timeout, restart): resume from the last version seen
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void print(List<Phase> results, int nodes) {
        System.out.println();
        System.out.printf("%-14s %7s %10s %8s %12s %10s  %s%n", "phase", "pods", "created/s", "bound", "pods/s",
                "vs 680/s", "load average before -> after");
        for (Phase p : results) {
            System.out.printf("%-14s %7d %10.0f %8d %12.0f %9.2fx  %s -> %s%n", p.name(), p.pods(),
                    p.created() / p.createSeconds(), p.bound(), p.podsPerSecond(), p.podsPerSecond() / UPSTREAM_THRESHOLD,
                    p.loadBefore(), p.loadAfter());
        }
        System.out.println();
        System.out.println("CPU seconds per process during each phase (share of all of them; wall seconds):");
        for (Phase p : results) {
            double total = p.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
            StringBuilder b = new StringBuilder(String.format("%-14s", p.name()));
            p.cpuSeconds().forEach((k, v) -> b.append(String.format(" %s %.1f (%.0f%%)", k, v, 100 * v / total)));
            System.out.println(b + String.format("; %.1f CPU s in %.1f s", total, p.wallSeconds()));
        }
        System.out.printf("(pods/s = bound pods over first to last bind; upstream's scheduler_perf SchedulingBasic "
                + "threshold at 5000 nodes is %.0f pods/s; this run had %d nodes)%n", UPSTREAM_THRESHOLD, nodes);
    }

    private HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void start(Path root, String name, String javaOpts, String jar, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
        cmd.add("-jar");
        cmd.add(jar);
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(root.resolve(name + ".log").toFile()).start();
        live.add(p);
        components.put(name, p);
    }

    /** With --jfr=DIR: a flight recording of every component during the phase, DIR/<component>-<phase>.jfr. */
    private void jfr(String action, String phase) throws IOException, InterruptedException {
        if (options.get("jfr").isEmpty()) {
            return;
        }
        Path dir = Files.createDirectories(Path.of(options.get("jfr")).toAbsolutePath());
        for (Map.Entry<String, Process> c : components.entrySet()) {
            List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(c.getValue().pid()), "JFR." + action,
                    "name=" + phase));
            if (action.equals("start")) {
                cmd.add("settings=profile");
            } else {
                cmd.add("filename=" + dir.resolve(c.getKey() + "-" + phase + ".jfr"));
            }
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor();
        }
    }

    /** CPU seconds (user + system) each component has used so far, from /proc/<pid>/stat (100 ticks a second). */
    private Map<String, Double> cpuSeconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        components.forEach((name, p) -> {
            try {
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.put(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0);
            } catch (IOException | RuntimeException e) {
                out.put(name, 0.0);
            }
        });
        out.put("benchmark", ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 1000.0)
                .orElse(0.0));
        return out;
    }

    private void awaitReady(String url, String name, Path root, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (live.stream().anyMatch(p -> !p.isAlive())) {
                break;
            }
            sleep(500);
        }
        System.err.printf("%s did not become ready; its log (%s):%n", name, root.resolve(name + ".log"));
        try (Stream<String> lines = Files.lines(root.resolve(name + ".log"))) {
            lines.skip(Math.max(0, Files.lines(root.resolve(name + ".log")).count() - 30)).forEach(System.err::println);
        }
        System.exit(1);
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
    }

    private static String match(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
