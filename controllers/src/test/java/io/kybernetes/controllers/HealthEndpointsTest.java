package io.kybernetes.controllers;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The component's HTTP endpoints while the API server is unreachable. */
@QuarkusTest
class HealthEndpointsTest {

    @Test
    void liveButNotReadyWithoutTheApiServer() {
        given().get("/livez").then().statusCode(200);
        given().get("/readyz").then().statusCode(503).body(containsString("informers"));
        given().get("/healthz").then().statusCode(503);
    }

    @Test
    void metricsIncludeTheWorkQueues() {
        given().get("/metrics").then().statusCode(200).body(containsString("workqueue_depth{name=\"deployment\""));
    }
}
