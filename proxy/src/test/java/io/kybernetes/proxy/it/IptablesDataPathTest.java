package io.kybernetes.proxy.it;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(IptablesDataPathTest.Mode.class)
@QuarkusTestResource(value = MockApiServer.class, restrictToAnnotatedClass = true)
class IptablesDataPathTest extends DataPathTest {

    public static class Mode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kybernetes.proxy-mode", "iptables");
        }
    }

    @Override
    String mode() {
        return "iptables";
    }

    @Override
    String dumpRules() {
        return Netns.onNode("iptables-save");
    }
}
