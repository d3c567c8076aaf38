package io.kybernetes.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs the real command-line clients (kubectl, etcdctl, ctr, iptables-save) the way a user would. */
final class Cli {

    static final String KUBECONFIG = System.getProperty("e2e.kubeconfig", "/etc/kybernetes/admin.conf");
    static final String CONTAINERD = System.getProperty("e2e.containerd", "/run/kybernetes/containerd/containerd.sock");
    /** Whether the cluster runs secure (`up --secure`: TLS with client certificates, RBAC), as `up` recorded it. */
    static final boolean SECURE = readSecurity().equals("secure");
    static final String ETCD = System.getProperty("e2e.etcd", (SECURE ? "https://" : "") + "127.0.0.1:2379");
    static final String API = System.getProperty("e2e.apiserver", (SECURE ? "https" : "http") + "://127.0.0.1:6443");
    static final String PKI = System.getProperty("e2e.pki", "/etc/kybernetes/pki");

    private static String readSecurity() {
        try {
            return System.getProperty("e2e.security",
                    Files.readString(Path.of("/run/kybernetes/security"), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return System.getProperty("e2e.security", "insecure");
        }
    }

    /** etcdctl's endpoint and, on a secure cluster, the etcd CA and a client certificate of it. */
    static List<String> etcdctlFlags() {
        List<String> flags = new ArrayList<>(List.of("--endpoints=" + ETCD));
        if (SECURE) {
            flags.addAll(List.of("--cacert=" + PKI + "/etcd/ca.crt", "--cert=" + PKI + "/etcd/healthcheck-client.crt",
                    "--key=" + PKI + "/etcd/healthcheck-client.key"));
        }
        return flags;
    }

    /**
     * An HTTP client for raw requests to the apiserver as the admin kubeconfig's user: its CA and client certificate
     * on a secure cluster (fabric8 reads the kubeconfig), plain HTTP otherwise.
     */
    static java.net.http.HttpClient apiHttpClient() {
        java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
        if (SECURE) {
            try {
                var config = io.fabric8.kubernetes.client.Config.fromKubeconfig(
                        Files.readString(Path.of(KUBECONFIG), StandardCharsets.UTF_8));
                b.sslContext(io.fabric8.kubernetes.client.internal.SSLUtils.sslContext(config));
            } catch (Exception e) {
                throw new AssertionError("the admin kubeconfig's TLS material: " + e, e);
            }
        }
        return b.build();
    }

    record Result(int exit, String out, String err) {
        Result ok() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    private Cli() {
    }

    static Result run(Duration timeout, String... command) {
        try {
            Path out = Files.createTempFile("e2e", ".out");
            Path err = Files.createTempFile("e2e", ".err");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command));
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Result kubectl(String... args) {
        return kubectl(Duration.ofSeconds(60), args);
    }

    static Result kubectl(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", KUBECONFIG));
        cmd.addAll(List.of(args));
        return run(timeout, cmd.toArray(String[]::new));
    }

    static Result etcdctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "ETCDCTL_API=3", "etcdctl"));
        cmd.addAll(etcdctlFlags());
        cmd.addAll(List.of(args));
        return run(Duration.ofSeconds(30), cmd.toArray(String[]::new));
    }

    static Result ctr(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", CONTAINERD, "-n", "k8s.io"));
        cmd.addAll(List.of(args));
        return run(Duration.ofSeconds(30), cmd.toArray(String[]::new));
    }

    /** Polls until the condition holds on the supplier's value; fails with the last value seen. */
    static <T> T eventually(Duration within, java.util.function.Supplier<T> value, Predicate<T> condition) {
        long deadline = System.nanoTime() + within.toNanos();
        T last = null;
        while (true) {
            last = value.get();
            if (condition.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within + "; last value: " + last);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
