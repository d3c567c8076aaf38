package io.kybernetes.controllers.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.IntOrString;

class FencepostsTest {

    static IntOrString v(String s) {
        return s.endsWith("%") ? new IntOrString(s) : new IntOrString(Integer.parseInt(s));
    }

    @ParameterizedTest(name = "surge {0}, unavailable {1}, replicas {2} -> {3}/{4}")
    @CsvSource({
        "25%, 25%, 4, 1, 1",
        "25%, 25%, 3, 1, 0",   // surge rounds up, unavailable down
        "25%, 25%, 1, 1, 0",
        "25%, 25%, 10, 3, 2",
        "0, 0, 3, 0, 1",       // both zero: one may be unavailable
        "0%, 0%, 5, 0, 1",
        "1, 0, 3, 1, 0",
        "50%, 50%, 5, 3, 2",
        "100%, 0, 2, 2, 0",
        "2, 1, 0, 2, 1",
    })
    void resolve(String surge, String unavailable, int replicas, int wantSurge, int wantUnavailable) {
        Fenceposts.Values r = Fenceposts.resolve(v(surge), v(unavailable), replicas);
        assertEquals(wantSurge, r.maxSurge());
        assertEquals(wantUnavailable, r.maxUnavailable());
    }
}
