package io.kybernetes.kubelet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The node conditions follow what the eviction manager decided (its own tests cover the thresholds). */
class HostPressureTest {

    @ParameterizedTest
    @CsvSource({
            "false, false, false, False, False, False",
            "true,  false, false, True,  False, False",
            "false, true,  false, False, True,  False",
            "false, false, true,  False, False, True",
    })
    void conditionsFollowThePressure(boolean memory, boolean disk, boolean pids, String memCond, String diskCond,
                                     String pidCond) {
        var status = NodeFactory.status(new MachineInfo(2, 4096, 1 << 30, "6.1", "Debian", "m", "b", "u"),
                new HostPressure(memory, disk, pids), "n1", "192.0.2.2", 10250, "containerd://1.6", null,
                Instant.parse("2026-11-24T10:00:00Z"));
        java.util.Map<String, String> c = new java.util.HashMap<>();
        java.util.Map<String, String> reasons = new java.util.HashMap<>();
        status.getConditions().forEach(x -> {
            c.put(x.getType(), x.getStatus());
            reasons.put(x.getType(), x.getReason());
        });
        assertEquals(memCond, c.get("MemoryPressure"));
        assertEquals(diskCond, c.get("DiskPressure"));
        assertEquals(pidCond, c.get("PIDPressure"));
        assertEquals(memory ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory", reasons.get("MemoryPressure"));
        assertEquals("True", c.get("Ready"));
    }

    @org.junit.jupiter.api.Test
    void noReadingIsNoPressure() {
        assertEquals(false, HostPressure.NONE.memory());
        assertEquals(false, HostPressure.NONE.disk());
        assertEquals(false, HostPressure.NONE.pid());
    }
}
