package io.kybernetes.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotSegmentsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", value = {
        "/api/v1/namespaces/x/configmaps/.., ..",
        "/api/v1/namespaces/x/configmaps/., .",
        "/api/v1/namespaces/x/configmaps/%2e%2E, ..",
        "/api/v1/namespaces/../configmaps/a, ..",
        "/api/v1/namespaces/x/configmaps/a/.., ..",
        "/api/v1/namespaces/x/configmaps/..a, null",
        "/api/v1/namespaces/x/configmaps/a.b, null",
        "/api/v1/namespaces/x/configmaps/...., null",
        "/api/v1/namespaces/x/configmaps/..%2fb, null",
        "/api/v1/namespaces/x/configmaps?x=/../, null",
        "/, null",
    })
    void findsDotSegments(String path, String expected) {
        assertEquals(expected, DotSegments.dotSegment(path));
    }
}
