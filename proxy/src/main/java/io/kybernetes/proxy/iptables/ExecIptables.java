package io.kybernetes.proxy.iptables;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs {@code iptables-save} and {@code iptables-restore} (waiting for the xtables lock, as kube-proxy does). */
public final class ExecIptables implements Iptables {

    private static final long TIMEOUT_SECONDS = 30;
    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "iptables-io");
        t.setDaemon(true);
        return t;
    });

    private final String saveCommand;
    private final String restoreCommand;

    public ExecIptables() {
        this("iptables-save", "iptables-restore");
    }

    public ExecIptables(String saveCommand, String restoreCommand) {
        this.saveCommand = saveCommand;
        this.restoreCommand = restoreCommand;
    }

    @Override
    public String save() throws IptablesException {
        return run(List.of(saveCommand), null);
    }

    @Override
    public void restore(String rules) throws IptablesException {
        run(List.of(restoreCommand, "--noflush", "--wait", "5"), rules);
    }

    private static String run(List<String> command, String stdin) throws IptablesException {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(command)).start();
        } catch (IOException e) {
            throw new IptablesException(command.get(0) + ": " + e.getMessage(), e);
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
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IptablesException(String.join(" ", command) + ": timed out after " + TIMEOUT_SECONDS + "s");
            }
            if (p.exitValue() != 0) {
                throw new IptablesException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                        + err.get().strip());
            }
            return out.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IptablesException(command.get(0) + ": interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IptablesException(command.get(0) + ": " + e.getCause().getMessage(), e.getCause());
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
