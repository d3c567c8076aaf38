package io.kybernetes.ingress.nginx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * The real nginx, run as a child process in the foreground. A new configuration is written beside the live one,
 * checked with {@code nginx -t}, and only then moved into place and loaded with {@code nginx -s reload}, so a bad
 * configuration never replaces the last good one.
 */
public class Nginx {

    private static final Logger LOG = Logger.getLogger(Nginx.class);

    /** The outcome of {@link #apply}: {@code error} holds nginx's own message when the config was refused. */
    public record Outcome(boolean applied, boolean changed, String error) {
    }

    private final Path binary;
    private final Path dir;
    private Process master;
    /** The configuration the running master has loaded (null until one was). */
    private String loaded;

    public Nginx(Path binary, Path dir) {
        this.binary = binary;
        this.dir = dir;
    }

    public Path conf() {
        return dir.resolve("nginx.conf");
    }

    public Path certDir() {
        return dir.resolve("certs");
    }

    /** Writes the first configuration (which must be valid) and starts the master process. */
    public synchronized void start(String initialConf) {
        prepareDirs();
        write(conf(), initialConf);
        String err = test(conf());
        if (err != null) {
            throw new IllegalStateException("the initial nginx configuration is invalid: " + err);
        }
        startMaster();
        loaded = initialConf;
    }

    private void startMaster() {
        try {
            Files.deleteIfExists(dir.resolve("nginx.pid"));
            master = new ProcessBuilder(command("-g", "daemon off;")).inheritIO().start();
            // -s reload finds the master through its pid file: wait until it is written
            for (int i = 0; i < 100 && master.isAlive() && !Files.exists(dir.resolve("nginx.pid")); i++) {
                Thread.sleep(50);
            }
            LOG.infof("nginx started (pid %d) with %s", master.pid(), conf());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the master process runs; restarts it once on the live config when it died. */
    public synchronized boolean ensureRunning() {
        if (master == null) {
            return false;
        }
        if (master.isAlive()) {
            return true;
        }
        LOG.warnf("nginx exited with %d: restarting it", master.exitValue());
        startMaster();
        loaded = read(conf());
        return master.isAlive();
    }

    public synchronized boolean running() {
        return master != null && master.isAlive();
    }

    /**
     * Writes the certificates and tests {@code text}; when it passes and differs from the live config, makes it
     * live and reloads nginx. Certificates no config names any more are removed after a successful reload.
     */
    public synchronized Outcome apply(String text, Map<String, String> certificates) {
        prepareDirs();
        for (var e : certificates.entrySet()) {
            Path f = certDir().resolve(e.getKey());
            if (!Files.exists(f)) {
                writePrivate(f, e.getValue());
            }
        }
        if (text.equals(loaded)) {
            return new Outcome(true, false, null);
        }
        Path candidate = dir.resolve("nginx.conf.candidate");
        write(candidate, text);
        String err = test(candidate);
        if (err != null) {
            return new Outcome(false, false, err);
        }
        try {
            Files.move(candidate, conf(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (master != null && master.isAlive()) {
            List<ProcessHandle> oldWorkers = master.toHandle().children().toList();
            Result r = run(command("-s", "reload"));
            if (r.exit != 0) {
                return new Outcome(false, true, "nginx -s reload: " + r.output.strip());
            }
            awaitExit(oldWorkers);
        } else if (master != null) {
            ensureRunning();
        }
        loaded = text;
        removeCertificatesExcept(certificates.keySet());
        return new Outcome(true, true, null);
    }

    /**
     * Until the workers of the previous configuration have exited (at most 3 s): they share the listening sockets
     * with the new ones, so until then a new connection may still be answered by the old routes.
     */
    private static void awaitExit(List<ProcessHandle> workers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            while (workers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** nginx -t on a file: null when it is valid, else nginx's message. */
    public String test(Path file) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-e", "stderr", "-p", dir.toString(), "-c",
                file.toString(), "-t", "-q"));
        Result r = run(cmd);
        return r.exit == 0 ? null : r.output.strip();
    }

    public synchronized void stop() {
        if (master == null || !master.isAlive()) {
            return;
        }
        run(command("-s", "quit"));
        try {
            if (!master.waitFor(10, TimeUnit.SECONDS)) {
                master.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            master.destroyForcibly();
        }
    }

    private List<String> command(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-e", "stderr", "-p", dir.toString(), "-c",
                conf().toString()));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, "cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private void prepareDirs() {
        try {
            Files.createDirectories(certDir());
            Files.setPosixFilePermissions(certDir(), PosixFilePermissions.fromString("rwx------"));
            for (String t : new String[] {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
                Files.createDirectories(dir.resolve("tmp").resolve(t));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private void removeCertificatesExcept(Set<String> keep) {
        try (Stream<Path> files = Files.list(certDir())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!keep.contains(f.getFileName().toString())) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            LOG.warnf("cleaning %s: %s", certDir(), e.getMessage());
        }
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void write(Path f, String text) {
        try {
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }

    private static void writePrivate(Path f, String text) {
        try {
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }
}
