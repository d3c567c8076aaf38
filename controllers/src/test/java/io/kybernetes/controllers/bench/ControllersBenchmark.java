package io.kybernetes.controllers.bench;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The controllers' benchmark (issue 8, Done-when 5): a private store, API server, hollow kubelet (100 nodes),
 * scheduler and controller manager on free ports under a scratch directory; a Deployment of 3,000 replicas, timed
 * until all are Running and Ready (status.readyReplicas), then a rolling update of the pod template (default
 * strategy, 25% surge and unavailable), timed until the rollout is complete as {@code kubectl rollout status}
 * judges it. JDK only, so bench.sh compiles it without the module's classpath.
 */
public final class ControllersBenchmark {

    private static final Pattern GENERATION = Pattern.compile("\"generation\":(\\d+)");

    private final Map<String, String> options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> live = new ArrayList<>();
    private String api;

    ControllersBenchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("nodes", "100");
        o.put("replicas", "3000");
        o.put("timeout", "1800");
        o.put("dir", "");
        o.put("store-jar", "store/target/quarkus-app/quarkus-run.jar");
        o.put("apiserver-jar", "apiserver/target/quarkus-app/quarkus-run.jar");
        o.put("scheduler-jar", "scheduler/target/quarkus-app/quarkus-run.jar");
        o.put("controllers-jar", "controllers/target/quarkus-app/quarkus-run.jar");
        o.put("kubelet-jar", "kubelet/target/quarkus-app/quarkus-run.jar");
        o.put("java-opts", "-XX:+UseParallelGC -Xss512k");
        o.put("controllers-opts", "-Xmx1g");
        for (String a : args) {
            int eq = a.indexOf('=');
            String k = a.startsWith("--") && eq > 2 ? a.substring(2, eq) : null;
            if (k == null || !o.containsKey(k)) {
                System.err.println("usage: ControllersBenchmark " + o.keySet().stream().map(x -> "[--" + x + "="
                        + o.get(x) + "]").reduce((x, y) -> x + " " + y).orElse(""));
                System.exit(2);
            }
            o.put(k, a.substring(eq + 1));
        }
        new ControllersBenchmark(o).run();
    }

    void run() throws Exception {
        Path root = options.get("dir").isEmpty() ? Files.createTempDirectory("controllers-bench-")
                : Files.createDirectories(Path.of(options.get("dir")));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            live.forEach(ControllersBenchmark::stop);
            if (options.get("dir").isEmpty()) {
                deleteTree(root);
            }
        }));
        int nodes = Integer.parseInt(options.get("nodes"));
        int replicas = Integer.parseInt(options.get("replicas"));
        long timeout = TimeUnit.SECONDS.toNanos(Long.parseLong(options.get("timeout")));
        System.out.printf("controllers benchmark %s, %d cores, load average %s; %d hollow nodes, a Deployment of %d "
                        + "replicas; logs in %s%n", Instant.now(), Runtime.getRuntime().availableProcessors(),
                loadAverage(), nodes, replicas, root);
        String javaOpts = options.get("java-opts");
        int etcd = freePort();
        start(root, "store", javaOpts + " -Xmx256m", options.get("store-jar"), "--data-dir=" + root.resolve("store"),
                "--listen-client-urls=http://127.0.0.1:" + etcd, "--listen-metrics-urls=http://127.0.0.1:" + freePort());
        int apiPort = freePort();
        api = "http://127.0.0.1:" + apiPort;
        start(root, "apiserver", javaOpts + " -Xmx1g", options.get("apiserver-jar"),
                "--etcd-servers=http://127.0.0.1:" + etcd, "--bind-address=127.0.0.1", "--secure-port=" + apiPort,
                "--max-requests-inflight=2000");
        awaitReady(api + "/readyz", "apiserver", root, 120);
        Path kubeconfig = root.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n"
                + "    server: " + api + "\ncontexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\n"
                + "current-context: bench\nusers:\n- name: bench\n  user: {}\n");
        int kubeletPort = freePort();
        start(root, "kubelet", javaOpts + " -Xmx512m", options.get("kubelet-jar"), "--kubeconfig=" + kubeconfig,
                "--hollow-nodes=" + nodes, "--hollow-node-prefix=hollow-", "--address=127.0.0.1",
                "--port=" + kubeletPort, "--root-dir=" + root.resolve("kubelet"), "--pod-log-dir=" + root.resolve("pods"));
        awaitReady("http://127.0.0.1:" + kubeletPort + "/readyz", "kubelet", root, 600);
        int schedulerPort = freePort();
        start(root, "scheduler", javaOpts + " -Xmx512m", options.get("scheduler-jar"), "--kubeconfig=" + kubeconfig,
                "--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=" + schedulerPort);
        int controllersPort = freePort();
        start(root, "controllers", javaOpts + " " + options.get("controllers-opts"), options.get("controllers-jar"),
                "--kubeconfig=" + kubeconfig, "--bind-address=127.0.0.1", "--secure-port=" + controllersPort);
        awaitReady("http://127.0.0.1:" + schedulerPort + "/readyz", "scheduler", root, 300);
        awaitReady("http://127.0.0.1:" + controllersPort + "/readyz", "controllers", root, 300);
        System.out.printf("cluster ready: %d hollow nodes, scheduler and controllers up%n", nodes);

        String deployments = api + "/apis/apps/v1/namespaces/default/deployments";
        check(send("POST", deployments, deployment(replicas)), "create the Deployment");
        long t0 = System.nanoTime();
        String loadBefore = loadAverage();
        double scaleUp = waitFor(deployments + "/bench", replicas, t0, timeout, "scale-up");
        String loadMid = loadAverage();
        System.out.printf("all %d replicas Running and Ready after %.1f s (%.0f pods/s)%n", replicas, scaleUp,
                replicas / scaleUp);
        long t1 = System.nanoTime();
        check(send("PATCH", deployments + "/bench", "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
                + "{\"bench/revision\":\"2\"}}}}}"), "update the pod template");
        double rollout = waitFor(deployments + "/bench", replicas, t1, timeout, "rolling update");
        System.out.printf("rolling update of %d replicas complete after %.1f s (%.0f pods replaced/s)%n", replicas,
                rollout, replicas / rollout);
        System.out.println();
        System.out.printf("%-16s %9s %10s %8s  %s%n", "step", "replicas", "seconds", "pods/s", "load average");
        System.out.printf("%-16s %9d %10.1f %8.0f  %s -> %s%n", "scale-up", replicas, scaleUp, replicas / scaleUp,
                loadBefore, loadMid);
        System.out.printf("%-16s %9d %10.1f %8.0f  %s -> %s%n", "rolling update", replicas, rollout,
                replicas / rollout, loadMid, loadAverage());
    }

    static String deployment(int replicas) {
        // one pause container with small requests: 3,000 pods fit 100 nodes of 4 CPU / 32Gi / 110 pods
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"bench\"},\"spec\":{"
                + "\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"bench\"}},\"template\":{"
                + "\"metadata\":{\"labels\":{\"app\":\"bench\"}},\"spec\":{\"containers\":[{\"name\":\"pause\","
                + "\"image\":\"registry.k8s.io/pause:3.9\",\"resources\":{\"requests\":{\"cpu\":\"10m\","
                + "\"memory\":\"10Mi\"}}}]}}}}";
    }

    /**
     * Seconds from {@code t0} until the Deployment's rollout is complete (kubectl rollout status's test:
     * observedGeneration caught up, updatedReplicas = replicas, replicas (all pods) = replicas, availableReplicas =
     * replicas), printing progress every 10 s.
     */
    private double waitFor(String url, int replicas, long t0, long timeout, String step) throws Exception {
        long lastPrint = System.nanoTime();
        while (System.nanoTime() - t0 < timeout) {
            String body = send("GET", url, null).body();
            long generation = number(GENERATION, body);
            int at = body.indexOf("\"status\":");
            String status = at < 0 ? "" : body.substring(at);
            long observed = number(Pattern.compile("\"observedGeneration\":(\\d+)"), status);
            long updated = number(Pattern.compile("\"updatedReplicas\":(\\d+)"), status);
            long total = number(Pattern.compile("\"replicas\":(\\d+)"), status);
            long ready = number(Pattern.compile("\"readyReplicas\":(\\d+)"), status);
            long available = number(Pattern.compile("\"availableReplicas\":(\\d+)"), status);
            if (observed >= generation && updated == replicas && total == replicas && available == replicas
                    && ready == replicas) {
                return (System.nanoTime() - t0) / 1e9;
            }
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                lastPrint = System.nanoTime();
                System.out.printf("  [%s %.0f s] pods %d, updated %d, ready %d, available %d%n", step,
                        (System.nanoTime() - t0) / 1e9, total, updated, ready, available);
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(step + " did not complete within the timeout");
    }

    private static long number(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void check(HttpResponse<String> r, String what) {
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("could not " + what + ": " + r.statusCode() + " " + r.body());
        }
    }

    private HttpResponse<String> send(String method, String url, String body) throws IOException, InterruptedException {
        String type = method.equals("PATCH") ? "application/strategic-merge-patch+json" : "application/json";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", type).header("Accept", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void start(Path root, String name, String javaOpts, String jar, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
        cmd.add("-jar");
        cmd.add(jar);
        cmd.addAll(Arrays.asList(args));
        live.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(root.resolve(name + ".log").toFile())
                .start());
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
            Thread.sleep(500);
        }
        System.err.printf("%s did not become ready; see %s%n", name, root.resolve(name + ".log"));
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

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
