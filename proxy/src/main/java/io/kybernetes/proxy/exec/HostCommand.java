package io.kybernetes.proxy.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node's packet filter tools ({@code iptables-restore}, {@code nft}, {@code conntrack}), optionally under a
 * command prefix such as {@code ip netns exec NAME} (tests program a scratch network namespace that way).
 * Stdout and stderr are drained concurrently so a large dump never blocks the child.
 */
public final class HostCommand {

    /** A command that could not run or exited non-zero; the message has its exit code and stderr. */
    public static final class Failure extends Exception {
        public Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final long DEFAULT_TIMEOUT_SECONDS = 60;
    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "proxy-exec-io");
        t.setDaemon(true);
        return t;
    });

    private final List<String> prefix;
    private final long timeoutSeconds;

    public HostCommand(List<String> prefix) {
        this(prefix, DEFAULT_TIMEOUT_SECONDS);
    }

    public HostCommand(List<String> prefix, long timeoutSeconds) {
        this.prefix = List.copyOf(prefix);
        this.timeoutSeconds = timeoutSeconds;
    }

    /** {@code "ip netns exec x"} -> a prefix; blank means none. */
    public static HostCommand withPrefix(String prefix) {
        return new HostCommand(prefix == null || prefix.isBlank() ? List.of() : List.of(prefix.strip().split("\\s+")));
    }

    public List<String> prefix() {
        return prefix;
    }

    /** Runs {@code command} with {@code stdin} (may be null); returns stdout. */
    public String run(List<String> command, String stdin) throws Failure {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        String shown = String.join(" ", command);
        Process p;
        try {
            p = new ProcessBuilder(full).start();
        } catch (IOException e) {
            throw new Failure(command.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the process died early; its exit code and stderr below say why
        }
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Failure(shown + ": timed out after " + timeoutSeconds + "s", null);
            }
            if (p.exitValue() != 0) {
                throw new Failure(shown + " exited " + p.exitValue() + ": " + err.get().strip(), null);
            }
            return out.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new Failure(command.get(0) + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new Failure(command.get(0) + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static CompletableFuture<String> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                return new String(s.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, DRAINERS);
    }
}
