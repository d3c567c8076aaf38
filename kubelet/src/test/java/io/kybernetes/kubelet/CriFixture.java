package io.kybernetes.kubelet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension around src/test/fixture/cri-fixture.sh: a private containerd with its own registry
 * (127.0.0.1:5056) and CNI bridge (kybt0, 10.245.0.0/24) in /tmp/kubelet-it, started from a clean slate before
 * the tests and torn down after them. Tests are skipped (not failed) on machines without containerd or root.
 */
public final class CriFixture implements BeforeAllCallback, AfterAllCallback {

    /** {@code KUBELET_IT_DIR} (with KUBELET_IT_REGISTRY, _BRIDGE, _SUBNET) runs a second fixture beside another. */
    public static final Path DIR = Path.of(System.getenv().getOrDefault("KUBELET_IT_DIR", "/tmp/kubelet-it"));
    public static final String SCRIPT = "src/test/fixture/cri-fixture.sh";

    public static String socket() {
        return "unix://" + DIR.resolve("containerd.sock");
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/containerd")) && Files.isExecutable(Path.of("/usr/bin/docker-registry"))
                && "root".equals(System.getProperty("user.name"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(available(), "needs root, containerd and docker-registry");
        run("up");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (available()) {
            run("down");
        }
    }

    private static void run(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", SCRIPT, cmd, DIR.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("cri-fixture.sh " + cmd + " failed:\n" + out);
        }
    }
}
