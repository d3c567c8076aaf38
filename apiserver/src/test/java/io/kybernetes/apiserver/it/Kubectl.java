package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl as the integration tests run it: a scratch HOME (no user kubeconfig, no shared cache), no
 * KUBECONFIG from the environment, and stdin from /dev/null (a kubeconfig user without credentials would make
 * kubectl prompt for a password on an open stdin).
 */
final class Kubectl {

    private Kubectl() {
    }

    /** Exit code, stdout and stderr (with {@code merged}: both in {@code out}, as a terminal shows them). */
    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }

        /** "exit output", the form the tests compare with. */
        String line() {
            return exit + " " + all().trim();
        }
    }

    /** A scratch directory under /tmp for HOME and files. */
    static Path scratch(String prefix) throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), prefix);
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /**
     * Runs {@code kubectl args...} with {@code home} as HOME, waiting at most {@code waitSeconds}; {@code merged}:
     * stderr goes into stdout in the order kubectl wrote them.
     */
    static Result run(Path home, int waitSeconds, boolean merged, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("kubectl");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(merged);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("KUBECONFIG");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertTrue(p.waitFor(waitSeconds, TimeUnit.SECONDS), "kubectl " + args + " did not finish");
        return new Result(p.exitValue(), out, err.join());
    }

    /** A kubeconfig {@code <home>/<name>.conf}: one cluster (server, CA file) and one user (a YAML flow map). */
    static Path kubeconfig(Path home, String name, String server, Path ca, String userYaml) throws IOException {
        Path f = home.resolve(name + ".conf");
        Files.writeString(f, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: it
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: u
                  user: %s
                contexts:
                - name: it
                  context: {cluster: it, user: u}
                current-context: it
                """.formatted(server, ca, userYaml));
        return f;
    }

    /** kubectl with {@code config}, a 10 s request timeout and a cache under {@code home}; stdout and stderr apart. */
    static Result withConfig(Path home, Path config, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--kubeconfig", config.toString(), "--request-timeout=10s",
                "--cache-dir", home.resolve("cache").toString()));
        a.addAll(List.of(args));
        return run(home, 30, false, a);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
