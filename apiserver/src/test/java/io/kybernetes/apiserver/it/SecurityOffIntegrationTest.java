package io.kybernetes.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        Path home = Kubectl.scratch("apiserver-it-off-");
        try {
            List<String> a = new ArrayList<>(List.of("--server", "http://127.0.0.1:" + base.getPort(),
                    "--request-timeout=10s", "--username=x", "--password=y"));
            a.addAll(List.of(args));
            return Kubectl.run(home, 30, true, a).line();
        } finally {
            Kubectl.delete(home);
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
