package io.kybernetes.kubelet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPressureTest {

    @ParameterizedTest
    @CsvSource({
            // mem avail MiB, disk avail, disk total, pids, pidMax | Memory, Disk, PID conditions
            "2048, 50, 100, 100,   32768, False, False, False",
            "99,   50, 100, 100,   32768, True,  False, False",
            "2048,  9, 100, 100,   32768, False, True,  False",
            "2048, 10, 100, 100,   32768, False, False, False",
            "2048, 50, 100, 30000, 32768, False, False, True",
    })
    void conditionsFollowTheDefaultEvictionThresholds(long memMi, long diskAvail, long diskTotal, long pids,
                                                      long pidMax, String memory, String disk, String pid) {
        HostPressure p = new HostPressure(memMi << 20, diskAvail, diskTotal, pids, pidMax);
        var status = NodeFactory.status(new MachineInfo(2, 4096, 1 << 30, "6.1", "Debian", "m", "b", "u"), p, "n1",
                "192.0.2.2", 10250, "containerd://1.6", null, Instant.parse("2026-11-24T10:00:00Z"));
        java.util.Map<String, String> c = new java.util.HashMap<>();
        status.getConditions().forEach(x -> c.put(x.getType(), x.getStatus()));
        assertEquals(memory, c.get("MemoryPressure"));
        assertEquals(disk, c.get("DiskPressure"));
        assertEquals(pid, c.get("PIDPressure"));
        assertEquals("True", c.get("Ready"));
    }

    /** Before the first reading (and where /proc cannot be read) the node reports no pressure at all. */
    @org.junit.jupiter.api.Test
    void noReadingIsNoPressure() {
        assertEquals(false, HostPressure.NONE.memory());
        assertEquals(false, HostPressure.NONE.disk());
        assertEquals(false, HostPressure.NONE.pid());
    }
}
