package io.kybernetes.proxy.it;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(NftablesDataPathTest.Mode.class)
@QuarkusTestResource(value = MockApiServer.class, restrictToAnnotatedClass = true)
class NftablesDataPathTest extends DataPathTest {

    public static class Mode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kybernetes.proxy-mode", "nftables");
        }
    }

    @Override
    String mode() {
        return "nftables";
    }

    @Override
    String dumpRules() {
        return Netns.onNode("nft", "list", "table", "ip", "kybt-proxy");
    }
}
