package io.kybernetes.apiserver.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;

class EvictionsTest {

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.parse(text.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode pod(String phase, String ready, boolean terminating) {
        return json("{'metadata':{'name':'p'" + (terminating ? ",'deletionTimestamp':'2026-01-01T00:00:00Z'" : "")
                + "},'status':{'phase':'" + phase + "'" + (ready.isEmpty() ? ""
                        : ",'conditions':[{'type':'Ready','status':'" + ready + "'}]") + "}}");
    }

    @ParameterizedTest(name = "{0} ready={1} terminating={2} -> ignores budget {3}")
    @CsvSource({
        "Running,True,false,false",
        "Running,False,false,false",
        "Pending,'',false,true",
        "Succeeded,'',false,true",
        "Failed,'',false,true",
        "Running,True,true,true",
    })
    void podsThatIgnoreTheBudget(String phase, String ready, boolean terminating, boolean expected) {
        assertEquals(expected, Evictions.canIgnoreBudget(pod(phase, ready, terminating)));
    }

    @ParameterizedTest(name = "Ready={0} -> {1}")
    @CsvSource({ "True,true", "False,false", "'',false" })
    void readiness(String ready, boolean expected) {
        assertEquals(expected, Evictions.isReady(pod("Running", ready, false)));
    }

    @ParameterizedTest(name = "policy={0} desired={1} current={2} -> unhealthy pod may go {3}")
    @CsvSource({
        "'',3,3,true",
        "'',3,4,true",
        "'',3,2,false",
        "'',0,0,false",
        "IfHealthyBudget,2,2,true",
        "IfHealthyBudget,2,1,false",
        "AlwaysAllow,2,1,true",
        "AlwaysAllow,0,0,true",
    })
    void unhealthyPodEvictionPolicy(String policy, int desired, int current, boolean expected) {
        ObjectNode pdb = json("{'metadata':{'name':'b'},'spec':{" + (policy.isEmpty() ? ""
                : "'unhealthyPodEvictionPolicy':'" + policy + "'") + "},'status':{'desiredHealthy':" + desired
                + ",'currentHealthy':" + current + "}}");
        assertEquals(expected, Evictions.unhealthyMayGo(pdb));
    }

    private static ObjectNode budget(long generation, long observed, long allowed, int disrupted) {
        ObjectNode pdb = json("{'metadata':{'name':'b','generation':" + generation + "},'status':{'observedGeneration':"
                + observed + ",'disruptionsAllowed':" + allowed + ",'desiredHealthy':2,'currentHealthy':2}}");
        ObjectNode d = Json.with(Json.with(pdb, "status"), "disruptedPods");
        for (int i = 0; i < disrupted; i++) {
            d.put("p" + i, "2026-01-01T00:00:00Z");
        }
        return pdb;
    }

    @ParameterizedTest(name = "gen={0} observed={1} allowed={2} disrupted={3} -> {4}")
    @CsvSource({
        "2,1,1,0,429,The disruption budget b is still being processed by the server.",
        "1,1,-1,0,403,pdb disruptions allowed is negative",
        "1,1,1,2001,403,DisruptedPods map too big - too many evictions not confirmed by PDB controller",
        "1,1,0,0,429,The disruption budget b needs 2 healthy pods and has 2 currently",
    })
    void refusals(long generation, long observed, long allowed, int disrupted, int code, String text) {
        ApiException e = assertThrows(ApiException.class,
                () -> Evictions.takeDisruption(budget(generation, observed, allowed, disrupted), "x"));
        assertEquals(code, e.code());
        String body = e.toStatus().toString();
        assertEquals(true, body.contains(text), body);
    }

    @Test
    void anAllowedEvictionTakesOneDisruption() {
        ObjectNode pdb = budget(1, 1, 2, 0);
        Evictions.takeDisruption(pdb, "web-1");
        assertEquals(1, pdb.path("status").path("disruptionsAllowed").asLong());
        assertEquals(true, pdb.path("status").path("disruptedPods").has("web-1"));
    }

    @Test
    void theDisruptionTargetConditionIsSetOnce() {
        ObjectNode p = pod("Running", "True", false);
        Evictions.setDisruptionTarget(p);
        Evictions.setDisruptionTarget(p);
        var conditions = p.path("status").path("conditions");
        assertEquals(2, conditions.size());
        var c = conditions.get(1);
        assertEquals("DisruptionTarget", c.path("type").asText());
        assertEquals("True", c.path("status").asText());
        assertEquals("EvictionByEvictionAPI", c.path("reason").asText());
        assertEquals("Eviction API: evicting", c.path("message").asText());
    }
}
