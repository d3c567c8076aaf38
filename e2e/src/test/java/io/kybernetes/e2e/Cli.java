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
    static final String ETCD = System.getProperty("e2e.etcd", "127.0.0.1:2379");

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
        List<String> cmd = new ArrayList<>(List.of("env", "ETCDCTL_API=3", "etcdctl", "--endpoints=" + ETCD));
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
