package io.kybernetes.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.kinds.DeploymentStrategy;

class AgeAndTablesTest {

    @ParameterizedTest
    @CsvSource({"0,0s", "59,59s", "119,119s", "120,2m", "185,3m5s", "600,10m", "7200,120m", "10800,3h", "11100,3h5m",
            "86400,24h", "172800,2d", "180000,2d2h", "864000,10d", "63072000,2y", "66000000,2y33d", "315360000,10y"})
    void humanDuration(long seconds, String text) {
        assertEquals(text, Age.human(Duration.ofSeconds(seconds)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json | true",
        "application/json | false",
        "application/json, */* | false",
    })
    void tableWanted(String accept, boolean wanted) {
        assertEquals(wanted, Tables.wanted(accept));
    }

    @Test
    void deploymentTable() throws IOException {
        ObjectNode d = (ObjectNode) Json.parse(("{\"metadata\":{\"name\":\"web\",\"creationTimestamp\":\"2020-01-01T00:00:00Z\"},"
                + "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"spec\":{\"containers\":"
                + "[{\"name\":\"nginx\",\"image\":\"nginx\"}]}}},\"status\":{\"readyReplicas\":2,\"updatedReplicas\":3,\"availableReplicas\":2}}").getBytes());
        ObjectNode t = Tables.table(new DeploymentStrategy(), List.of(d), "42", null, true);
        assertEquals("Table", t.path("kind").asText());
        assertEquals("42", t.at("/metadata/resourceVersion").asText());
        List<String> columns = new java.util.ArrayList<>();
        t.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
        assertEquals(List.of("Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"), columns);
        assertEquals(1, t.at("/columnDefinitions/5/priority").asInt());
        assertEquals("2/3", t.at("/rows/0/cells/1").asText());
        assertEquals(3, t.at("/rows/0/cells/2").asInt());
        assertEquals("app=web", t.at("/rows/0/cells/7").asText());
        assertEquals("PartialObjectMetadata", t.at("/rows/0/object/kind").asText());
        ObjectNode full = Tables.table(new DeploymentStrategy(), List.of(d), null, "Object", false);
        assertEquals(3, full.at("/rows/0/object/spec/replicas").asInt());
        assertTrue(full.path("columnDefinitions").isEmpty());
        assertFalse(full.path("metadata").has("resourceVersion"));
    }
}
