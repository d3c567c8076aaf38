package io.kybernetes.store.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One server under test (real etcd or the packaged store) as a child process on free loopback ports. */
final class BenchServer implements AutoCloseable {

    final String name;
    final String endpoint;
    final Path dataDir;
    private final Path log;
    private final Process process;

    private BenchServer(String name, Path dataDir, Path log, int clientPort, List<String> command) throws IOException {
        this.name = name;
        this.endpoint = "127.0.0.1:" + clientPort;
        this.dataDir = dataDir;
        this.log = log;
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** etcd 3.4 with its defaults (WAL fsync on every commit), data on the same disk as the store's. */
    static BenchServer etcd(Path root) throws IOException {
        int client = freePort();
        int peer = freePort();
        int metrics = freePort();
        String c = "http://127.0.0.1:" + client;
        String p = "http://127.0.0.1:" + peer;
        Path data = root.resolve("etcd-data");
        return new BenchServer("etcd", data, root.resolve("etcd.log"), client, List.of("etcd", "--name", "bench",
                "--data-dir", data.toString(), "--listen-client-urls", c, "--advertise-client-urls", c,
                "--listen-peer-urls", p, "--initial-advertise-peer-urls", p, "--initial-cluster", "bench=" + p,
                "--listen-metrics-urls", "http://127.0.0.1:" + metrics));
    }

    /** The packaged store (quarkus-run.jar) with the given JVM options. */
    static BenchServer store(Path root, Path jar, List<String> javaOpts) throws IOException {
        int client = freePort();
        int metrics = freePort();
        Path data = root.resolve("store-data");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(javaOpts);
        cmd.addAll(List.of("-jar", jar.toString(), "--data-dir=" + data,
                "--listen-client-urls=http://127.0.0.1:" + client,
                "--listen-metrics-urls=http://127.0.0.1:" + metrics));
        return new BenchServer("store", data, root.resolve("store.log"), client, cmd);
    }

    /** Waits until `etcdctl endpoint health` succeeds. */
    void awaitHealthy(long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            ProcessBuilder pb = new ProcessBuilder("etcdctl", "--endpoints=" + endpoint, "--dial-timeout=1s",
                    "--command-timeout=2s", "endpoint", "health").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("ETCDCTL_API", "3");
            Process p = pb.start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            p.destroyForcibly();
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException(name + " did not become healthy; log:\n" + tail());
            }
            Thread.sleep(200);
        }
    }

    /** Resident set size of the server process (VmRSS), in KiB. */
    long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /** Bytes under the data dir. */
    long diskBytes() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** Null while running, else why the process is gone. */
    String exited() {
        return process.isAlive() ? null : name + " exited with code " + process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    /** The log's WARN/ERROR/FATAL lines (first 10) and its last 25 lines. */
    String tail() throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        List<String> problems = lines.stream()
                .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains(" FATAL ")
                        || l.contains("Exception:") || l.contains("Error:"))
                .limit(10).toList();
        return "(warnings and errors)\n" + String.join("\n", problems) + "\n(last lines)\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    /** SIGTERM, then SIGKILL after 15 s. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
