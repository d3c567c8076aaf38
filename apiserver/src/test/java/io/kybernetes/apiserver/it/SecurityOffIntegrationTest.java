package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Without security flags: plain HTTP, everything allowed, and the review APIs answer for system:anonymous. */
@QuarkusTest
@Timeout(60)
@QuarkusTestResource(value = EtcdResource.class, restrictToAnnotatedClass = true)
class SecurityOffIntegrationTest {

    @TestHTTPResource("/")
    URL base;

    String kubectl(String... args) throws Exception {
        Path home = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-off-");
        try {
            List<String> cmd = new ArrayList<>(List.of("kubectl", "--server", "http://127.0.0.1:" + base.getPort(),
                    "--request-timeout=10s", "--username=x", "--password=y"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("HOME", home.toString());
            pb.environment().remove("KUBECONFIG");
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            return p.exitValue() + " " + out.trim();
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
    }

    @Test
    void reviewsAnswerWithEverythingAllowed() throws Exception {
        assertEquals("0 system:anonymous", kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"));
        assertEquals("0 yes", kubectl("auth", "can-i", "delete", "pods", "--all-namespaces"));
        assertEquals("0 yes", kubectl("auth", "can-i", "create", "pods", "-n", "default"));
        assertTrue(kubectl("get", "ns").startsWith("0 NAME"));
    }
}
