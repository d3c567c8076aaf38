package io.kybernetes.proxy.it;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The iptables mode on the legacy (x_tables) backend, {@code --iptables-backend=legacy}: the same traffic tests; the
 * cleanup, given no backend, finds the legacy tables in use and empties them too.
 */
@QuarkusTest
@TestProfile(LegacyIptablesDataPathTest.Mode.class)
@QuarkusTestResource(value = MockApiServer.class, restrictToAnnotatedClass = true)
class LegacyIptablesDataPathTest extends DataPathTest {

    public static class Mode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kybernetes.proxy-mode", "iptables", "kybernetes.iptables-backend", "legacy");
        }
    }

    @Override
    String mode() {
        return "iptables";
    }

    @Override
    String dumpRules() {
        return Netns.onNode("iptables-legacy-save");
    }
}
