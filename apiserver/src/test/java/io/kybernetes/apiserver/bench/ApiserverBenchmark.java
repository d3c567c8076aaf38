package io.kybernetes.apiserver.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The apiserver's benchmark (issue 6, Done-when 5): N concurrent clients each loop create / get / update of their
 * own pods and a list of the namespace every tenth round, while watchers follow the namespace, for a fixed time;
 * once against the apiserver on the kybernetes store and once on a real etcd 3.4, in one run. Prints p50/p99 per
 * verb and each p99 as a share of upstream's API call latency SLO (1 s for mutating calls and single-object gets,
 * 30 s for namespace-scoped lists). JDK only (HttpClient), so it compiles without the module's classpath; run it
 * with apiserver/bench.sh.
 */
public final class ApiserverBenchmark {

    private static final Pattern RV = Pattern.compile("\"resourceVersion\":\"(\\d+)\"");
    private static final Pattern SENT = Pattern.compile("\"bench/sent\":\"(\\d+)\"");
    private static final String NS = "bench";

    record Stats(String verb, long count, double perSecond, double p50, double p99, double slo) {
    }

    record Result(String backend, List<Stats> verbs, long errors, long watchEvents) {
    }

    public static void main(String[] args) throws Exception {
        Path apiJar = Path.of("apiserver/target/quarkus-app/quarkus-run.jar");
        Path storeJar = Path.of("store/target/quarkus-app/quarkus-run.jar");
        int clients = 100;
        int watchers = 10;
        int seconds = 60;
        for (String a : args) {
            if (a.startsWith("--apiserver-jar=")) {
                apiJar = Path.of(a.substring(16));
            } else if (a.startsWith("--store-jar=")) {
                storeJar = Path.of(a.substring(12));
            } else if (a.startsWith("--clients=")) {
                clients = Integer.parseInt(a.substring(10));
            } else if (a.startsWith("--watchers=")) {
                watchers = Integer.parseInt(a.substring(11));
            } else if (a.startsWith("--seconds=")) {
                seconds = Integer.parseInt(a.substring(10));
            } else {
                System.err.println("usage: ApiserverBenchmark [--clients=N] [--watchers=N] [--seconds=N] "
                        + "[--apiserver-jar=PATH] [--store-jar=PATH]");
                System.exit(2);
            }
        }
        Path root = Files.createTempDirectory("apiserver-bench-");
        List<Process> live = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            live.forEach(ApiserverBenchmark::stop);
            deleteTree(root);
        }));
        System.out.printf("apiserver benchmark %s, %d cores, load average %s; %d clients, %d watchers, %d s per backend%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), loadAverage(), clients, watchers, seconds);
        List<Result> results = new ArrayList<>();
        for (String backend : List.of("kybernetes store", "etcd 3.4")) {
            int client = freePort();
            int metrics = freePort();
            Path dir = root.resolve(backend.startsWith("etcd") ? "etcd" : "store");
            Files.createDirectories(dir);
            String url = "http://127.0.0.1:" + client;
            Process store = backend.startsWith("etcd")
                    ? start(live, dir.resolve("backend.log"), "etcd", "--data-dir", dir.resolve("data").toString(),
                            "--listen-client-urls", url, "--advertise-client-urls", url, "--listen-peer-urls",
                            "http://127.0.0.1:" + freePort(), "--listen-metrics-urls", "http://127.0.0.1:" + metrics)
                    : start(live, dir.resolve("backend.log"), "java", "-XX:+UseSerialGC", "-Xss512k",
                            "-XX:TieredStopAtLevel=1", "-Xmx96m", "-jar", storeJar.toString(),
                            "--data-dir=" + dir.resolve("data"), "--listen-client-urls=" + url,
                            "--listen-metrics-urls=http://127.0.0.1:" + metrics);
            int port = freePort();
            String api = "http://127.0.0.1:" + port;
            // the cluster's JVM flags (kybernetes script), unless BENCH_APISERVER_JAVA_OPTS replaces them (profiling)
            List<String> cmd = new ArrayList<>(List.of("java"));
            String opts = System.getenv().getOrDefault("BENCH_APISERVER_JAVA_OPTS",
                    "-XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -Xmx192m");
            cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
            cmd.addAll(List.of("-jar", apiJar.toString(), "--etcd-servers=" + url, "--bind-address=127.0.0.1",
                    "--secure-port=" + port, "--max-requests-inflight=" + (clients * 2)));
            Process apiserver = start(live, dir.resolve("apiserver.log"), cmd.toArray(String[]::new));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            awaitReady(http, api, dir);
            send(http, "POST", api + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
                    + "\"metadata\":{\"name\":\"" + NS + "\"}}");
            System.out.printf("[%s] apiserver ready; loading for %d s%n", backend, seconds);
            results.add(load(backend, http, api, clients, watchers, seconds));
            stop(apiserver);
            stop(store);
            live.remove(apiserver);
            live.remove(store);
        }
        print(results, clients);
    }

    private static Result load(String backend, HttpClient http, String api, int clients, int watchers, int seconds)
            throws Exception {
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        List<Long> delivery = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        AtomicLong watchEvents = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        String rv = match(RV, send(http, "GET", api + "/api/v1/namespaces/" + NS + "/pods?limit=1", null).body());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < watchers; w++) {
            Thread t = new Thread(() -> watch(http, api, rv, running, delivery, watchEvents), "watch-" + w);
            t.setDaemon(true);
            t.start();
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                try {
                    for (int round = 0; System.nanoTime() < end; round++) {
                        String name = "p-" + id + "-" + round;
                        String pods = api + "/api/v1/namespaces/" + NS + "/pods";
                        HttpResponse<String> created = timed(latencies, "create", errors, () -> send(http, "POST", pods,
                                pod(name, null, "a")));
                        HttpResponse<String> got = timed(latencies, "get", errors, () -> send(http, "GET",
                                pods + "/" + name, null));
                        String version = got == null ? null : match(RV, got.body());
                        if (version != null) {
                            timed(latencies, "update", errors, () -> send(http, "PUT", pods + "/" + name,
                                    pod(name, version, "b")));
                        }
                        if (round % 10 == 0) {
                            timed(latencies, "list", errors, () -> send(http, "GET", pods + "?limit=500", null));
                        }
                        if (created == null) {
                            Thread.sleep(10);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long t0 = System.nanoTime();
        done.await();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        List<Stats> stats = new ArrayList<>();
        for (String verb : List.of("create", "get", "update", "list")) {
            List<Long> l = latencies.getOrDefault(verb, List.of());
            stats.add(stats(verb, l, elapsed, verb.equals("list") ? 30.0 : 1.0));
        }
        stats.add(stats("watch delivery", new ArrayList<>(delivery), elapsed, 0));
        return new Result(backend, stats, errors.get(), watchEvents.get());
    }

    @FunctionalInterface
    interface Call {
        HttpResponse<String> run() throws Exception;
    }

    private static HttpResponse<String> timed(Map<String, List<Long>> latencies, String verb, AtomicLong errors, Call call) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = call.run();
            long took = System.nanoTime() - t0;
            if (r.statusCode() >= 300) {
                errors.incrementAndGet();
                if (errors.get() <= 5) {
                    System.out.printf("  %s answered %d: %.200s%n", verb, r.statusCode(), r.body());
                }
                return null;
            }
            latencies.computeIfAbsent(verb, v -> java.util.Collections.synchronizedList(new ArrayList<>())).add(took);
            return r;
        } catch (Exception e) {
            errors.incrementAndGet();
            return null;
        }
    }

    /** Follows the namespace's pods; an ADDED event's delay is now minus the time its creator stamped on it. */
    private static void watch(HttpClient http, String api, String rv, AtomicBoolean running, List<Long> delivery,
            AtomicLong events) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(api + "/api/v1/namespaces/" + NS
                + "/pods?watch=true&resourceVersion=" + rv)).build();
        try {
            HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String line;
                while (running.get() && (line = in.readLine()) != null) {
                    events.incrementAndGet();
                    if (line.startsWith("{\"type\":\"ADDED\"")) {
                        String sent = match(SENT, line);
                        if (sent != null) {
                            delivery.add(System.nanoTime() - Long.parseLong(sent));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the apiserver stopped at the end of the run
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String pod(String name, String resourceVersion, String label) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\","
                + (resourceVersion == null ? "" : "\"resourceVersion\":\"" + resourceVersion + "\",")
                + "\"labels\":{\"app\":\"bench\",\"phase\":\"" + label + "\"},"
                + "\"annotations\":{\"bench/sent\":\"" + System.nanoTime() + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"10m\"}}}]}}";
    }

    private static HttpResponse<String> send(HttpClient http, String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Stats stats(String verb, List<Long> nanos, double seconds, double slo) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Stats(verb, 0, 0, Double.NaN, Double.NaN, slo);
        }
        return new Stats(verb, sorted.length, sorted.length / seconds, sorted[sorted.length / 2] / 1e6,
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6, slo);
    }

    private static void print(List<Result> results, int clients) {
        System.out.println();
        System.out.println("| backend | verb | calls | calls/s | p50 (ms) | p99 (ms) | p99 / upstream SLO |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            for (Stats s : r.verbs()) {
                String ratio = s.slo() > 0 ? String.format("%.3f of %.0f s", s.p99() / 1000 / s.slo(), s.slo()) : "-";
                System.out.printf("| %s | %s | %,d | %,.0f | %.1f | %.1f | %s |%n", r.backend(), s.verb(), s.count(),
                        s.perSecond(), s.p50(), s.p99(), ratio);
            }
        }
        for (Result r : results) {
            System.out.printf("%s: %d failed calls, %d watch events received%n", r.backend(), r.errors(), r.watchEvents());
        }
        System.out.printf("goal: p99 <= 100 ms at %d concurrent writers:%n", clients);
        for (Result r : results) {
            double worst = r.verbs().stream().filter(s -> !s.verb().equals("watch delivery") && !s.verb().equals("list"))
                    .mapToDouble(Stats::p99).max().orElse(Double.NaN);
            System.out.printf("  %s: worst mutating/get p99 %.1f ms -> %s%n", r.backend(), worst,
                    worst <= 100 ? "met" : "not met");
        }
        System.out.printf("finished %s, load average %s%n", Instant.now(), loadAverage());
    }

    private static String match(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    private static void awaitReady(HttpClient http, String api, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                if (send(http, "GET", api + "/readyz", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException("apiserver not ready within 90 s; see " + dir);
    }

    private static Process start(List<Process> live, Path log, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        live.add(p);
        return p;
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteTree(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
