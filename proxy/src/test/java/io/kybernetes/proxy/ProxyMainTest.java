package io.kybernetes.proxy;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The start-up check of {@code --iptables-backend}: a refusal names the problem before anything runs. */
class ProxyMainTest {

    @Test
    void installedBackendsPassAndOthersAreNamed() {
        assertNull(ProxyMain.backendProblem(null));
        assertNull(ProxyMain.backendProblem(""));
        String bogus = ProxyMain.backendProblem("bogus");
        assertTrue(bogus != null && bogus.contains("unsupported --iptables-backend \"bogus\""), bogus);
        for (String b : new String[] {"nft", "legacy"}) {
            String problem = ProxyMain.backendProblem(b);
            boolean installed = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/iptables-" + b + "-restore"));
            assertTrue(installed ? problem == null : problem.contains("is not installed"), b + ": " + problem);
        }
    }
}
