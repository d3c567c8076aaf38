package io.kybernetes.scheduler.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameworkTest {

    @ParameterizedTest(name = "{0} nodes at {1}% -> {2}")
    @CsvSource({
        // below 100 nodes every node; adaptive: 50 - nodes/125 percent, at least 5%, at least 100 nodes
        "10, 0, 10",
        "99, 0, 99",
        "100, 0, 100",
        "1000, 0, 420",
        "5000, 0, 500",
        "6000, 0, 300",
        "1000, 30, 300",
        "1000, 5, 100",
        "1000, 100, 1000",
    })
    void numFeasibleNodesToFind(int nodes, int percentage, int expected) {
        Framework f = new Framework("p", List.of(), List.of(), List.of(), List.of(), List.of(), percentage,
                new Random());
        assertEquals(expected, f.numFeasibleNodesToFind(nodes));
    }
}
