package io.kybernetes.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Pod;

/** Disk pressure runs node-level reclaim (container and image GC) first, and evicts only if still over the threshold. */
class NodeReclaimTest {

    static final long GI = EvictionManagerTest.GI;

    @ParameterizedTest(name = "{0}: available after reclaim {2}Gi -> reclaim runs {3}, evicted {4}")
    @CsvSource({
            // signal,           available before (Gi), after (Gi), reclaims, evicted
            "nodefs.available,   5,                     30,          1,        ''",
            "nodefs.available,   5,                     7,           1,        burner",
            "imagefs.available,  5,                     30,          1,        ''",
            "imagefs.available,  10,                    16,          1,        burner",   // 16Gi < 15Gi + 2Gi minimum reclaim
            "imagefs.available,  10,                    17,          1,        ''",
            "memory.available,   0,                     0,           0,        burner",   // nothing to reclaim for memory
    })
    void reclaimsDiskBeforeEvicting(String signal, long before, long after, int reclaims, String evicted) {
        EvictionManagerTest.FakeStats stats = new EvictionManagerTest.FakeStats().healthy();
        Signal s = Signal.of(signal).orElseThrow();
        long capacity = s == Signal.MEMORY_AVAILABLE ? 16 * GI : 100 * GI;
        stats.node.put(s, new Observation(s == Signal.MEMORY_AVAILABLE ? 10L << 20 : before * GI, capacity));
        List<String> killed = new ArrayList<>();
        List<Pod> pods = List.of(EvictionManagerTest.pod("burner", null, null).build());
        EvictionManager m = new EvictionManager(new EvictionManager.Config(Thresholds.parse(Thresholds.DEFAULT_HARD, "",
                "", "imagefs.available=2Gi"), Duration.ofMinutes(5), 0), stats, () -> pods,
                (pod, g, message, disruption) -> killed.add(pod.getMetadata().getName()));
        int[] runs = {0};
        m.setNodeReclaimer(sig -> {
            runs[0]++;
            assertEquals(s, sig);
            stats.node.put(s, new Observation(after * GI, capacity));
        });
        m.synchronize(EvictionManagerTest.T0);
        assertEquals(reclaims, runs[0]);
        assertEquals(evicted.isBlank() ? List.of() : List.of(evicted), killed);
        assertEquals(true, m.pressure().disk() || s == Signal.MEMORY_AVAILABLE,
                "the condition reflects the pressure seen at the start of the pass");
    }
}
