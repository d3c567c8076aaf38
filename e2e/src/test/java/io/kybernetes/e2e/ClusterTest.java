package io.kybernetes.e2e;

import static io.kybernetes.e2e.Cli.kubectl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Done-when 1: the node is Ready, discovery works for kubectl. */
class ClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nodeIsReady() {
        String out = kubectl("get", "nodes").ok().out();
        assertTrue(out.lines().anyMatch(l -> l.matches("\\S+\\s+Ready\\s.*")), out);
    }

    @Test
    void apiResourcesListsTheServedKinds() {
        String out = kubectl("api-resources").ok().out();
        for (String r : new String[] {"pods", "services", "deployments", "replicasets", "nodes", "namespaces",
                "configmaps", "secrets", "endpoints", "events", "leases"}) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(r + " ")), r + " missing in:\n" + out);
        }
        assertTrue(out.contains("deploy"), "short name deploy: " + out);
    }

    @Test
    void rawApiIsTheLegacyVersionList() throws Exception {
        JsonNode api = JSON.readTree(kubectl("get", "--raw", "/api").ok().out());
        assertEquals("APIVersions", api.path("kind").asText());
        assertEquals("v1", api.path("versions").path(0).asText());
    }
}
