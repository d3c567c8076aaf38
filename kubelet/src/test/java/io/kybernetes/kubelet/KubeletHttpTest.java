package io.kybernetes.kubelet;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The HTTP surface with the agent switched off (test profile): health, metrics and a clear logs error. */
@QuarkusTest
class KubeletHttpTest {

    @Test
    void healthAndMetricsAreServed() {
        given().get("/healthz").then().statusCode(200).body(containsString("UP"));
        given().get("/metrics").then().statusCode(200).body(containsString("jvm_"));
    }

    @Test
    void logsWithoutARuntimeSayWhy() {
        given().get("/containerLogs/default/web/app").then().statusCode(503)
                .body(containsString("not connected to the container runtime"));
    }

    @Test
    void streamingNeedsAnUpgradeAndStatsNeedTheRuntime() {
        given().get("/exec/default/web/app?command=true").then().statusCode(400)
                .body(containsString("Upgrade request required"));
        given().get("/portForward/default/web").then().statusCode(400);
        given().get("/stats/summary").then().statusCode(503)
                .body(containsString("not connected to the container runtime"));
    }
}
