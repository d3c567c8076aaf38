package io.kybernetes.scheduler.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FitErrorTest {

    @Test
    void messageCountsReasonsSortedAndAddsPreemption() {
        Map<String, Status> m = new LinkedHashMap<>();
        m.put("a", Status.unschedulable("NodeResourcesFit", "Insufficient cpu"));
        m.put("b", Status.unresolvable("NodeAffinity", "node(s) didn't match Pod's node affinity/selector"));
        m.put("c", Status.unschedulable("NodeResourcesFit", "Insufficient cpu", "Insufficient memory"));
        assertEquals("0/3 nodes are available: 1 Insufficient memory, 1 node(s) didn't match Pod's node "
                + "affinity/selector, 2 Insufficient cpu. preemption: 0/3 nodes are available: "
                + "1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
                new FitError(3, null, m).message());
    }

    @Test
    void noNodes() {
        assertEquals("no nodes available to schedule pods", new FitError(0, null, Map.of()).message());
    }
}
