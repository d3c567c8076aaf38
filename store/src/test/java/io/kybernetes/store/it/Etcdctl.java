package io.kybernetes.store.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs the real etcdctl (API v3) against one endpoint. */
public final class Etcdctl {

    /** Output (stdout and stderr merged) and exit code of one run. */
    public record Result(int exit, String out) {
    }

    private final String endpoint;

    public Etcdctl(String endpoint) {
        this.endpoint = endpoint;
    }

    private ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoint, "--dial-timeout=3s",
                "--command-timeout=5s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        return pb;
    }

    public Result run(String... args) {
        return runWithInput(null, args);
    }

    public Result runWithInput(String stdin, String... args) {
        try {
            Process p = builder(args).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("etcdctl timed out: " + String.join(" ", args));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a command that exits with status 0 and returns its output. */
    public String ok(String... args) {
        Result r = run(args);
        if (r.exit() != 0) {
            throw new AssertionError("etcdctl " + String.join(" ", args) + " failed (" + r.exit() + "): " + r.out());
        }
        return r.out();
    }

    /** A long-running etcdctl (watch) whose output lines are collected as they come. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Running(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // process ended
                }
            }, "etcdctl-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** The next {@code n} output lines (fails after 10 s). */
        public List<String> take(int n) throws InterruptedException {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("got only " + out + " from etcdctl, wanted " + n + " lines");
                }
                out.add(line);
            }
            return out;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public Running start(String... args) {
        try {
            return new Running(builder(args).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
