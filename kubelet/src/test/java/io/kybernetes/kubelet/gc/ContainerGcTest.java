package io.kybernetes.kubelet.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kybernetes.kubelet.cri.v1.ContainerState;
import io.kybernetes.kubelet.cri.v1.PodSandboxState;
import io.kybernetes.kubelet.gc.ContainerGc.PodState;

class ContainerGcTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    final FakeRuntime rt = new FakeRuntime();
    final FakeRuntime.MutableClock clock = new FakeRuntime.MutableClock(NOW);
    final Map<String, PodState> states = new HashMap<>();

    ContainerGc gc(ContainerGc.Policy policy, Path logs) {
        return new ContainerGc(policy, rt, uid -> states.getOrDefault(uid, PodState.GONE), logs, clock);
    }

    /** Pod uid "p" (state given) with container "app": one running instance and dead ones e1 (oldest) .. e3. */
    void podWithDeadInstances(PodState state) {
        states.put("p", state);
        rt.sandbox("s1", "p", PodSandboxState.SANDBOX_READY, NOW.minusSeconds(600));
        rt.container("e1", "p", "app", ContainerState.CONTAINER_EXITED, NOW.minusSeconds(300), "s1", "busybox");
        rt.container("e2", "p", "app", ContainerState.CONTAINER_EXITED, NOW.minusSeconds(200), "s1", "busybox");
        rt.container("e3", "p", "app", ContainerState.CONTAINER_EXITED, NOW.minusSeconds(100), "s1", "busybox");
        rt.container("r4", "p", "app", ContainerState.CONTAINER_RUNNING, NOW.minusSeconds(50), "s1", "busybox");
        rt.container("x1", "p", "sidecar", ContainerState.CONTAINER_EXITED, NOW.minusSeconds(250), "s1", "busybox");
    }

    @ParameterizedTest(name = "{0} pod, min age {1}, per container {2}, total {3}, reclaiming {4} -> removes {5}")
    @CsvSource({
            // state,     minAge, maxPer, max, evictNonDeleted, removed
            "ACTIVE,      PT0S,   1,      -1,  false, e1 e2",          // newest dead instance of each container kept
            "ACTIVE,      PT0S,   2,      -1,  false, e1",
            "ACTIVE,      PT0S,   0,      -1,  false, e1 e2 e3 x1",
            "ACTIVE,      PT0S,   -1,     -1,  false, ''",             // no per-container limit
            "ACTIVE,      PT150S, 0,      -1,  false, e1 e2 x1",       // e3 is younger than the minimum age
            "ACTIVE,      PT0S,   -1,     2,   false, e1 e2",          // 4 dead over 2 units: 1 each
            "ACTIVE,      PT0S,   -1,     1,   false, e1 e2 x1",       // then the oldest overall (x1 before e3)
            "TERMINATED,  PT0S,   1,      -1,  false, e1 e2",          // terminated: still kept for logs
            "TERMINATED,  PT0S,   1,      -1,  true,  e1 e2 e3 x1",    // disk reclaim: everything dead goes
            "GONE,        PT0S,   1,      -1,  false, e1 e2 e3 x1",    // gone from the API: every dead one
    })
    void deadContainersBeyondThePolicyAreRemoved(PodState state, String minAge, int maxPer, int max,
                                                   boolean evictNonDeleted, String removed) {
        podWithDeadInstances(state);
        gc(new ContainerGc.Policy(Duration.parse(minAge), maxPer, max), null).collect(true, evictNonDeleted);
        assertEquals(set(removed), new TreeSet<>(rt.removed));
        assertTrue(rt.containers.containsKey("r4"), "a running container is never collected");
        assertTrue(rt.sandboxes.containsKey("s1"), "a ready sandbox is never collected");
    }

    @Test
    void podsMissingFromAnUnsyncedCacheAreOnlyTrimmed() {
        podWithDeadInstances(PodState.GONE);
        gc(ContainerGc.Policy.DEFAULT, null).collect(false, false);
        assertEquals(set("e1 e2"), new TreeSet<>(rt.removed));
    }

    @ParameterizedTest(name = "created {0}s ago -> removed {1}")
    @CsvSource({"10, false", "120, true"})
    void aJustCreatedContainerIsNotDead(long ago, boolean removed) {
        states.put("p", PodState.ACTIVE);
        rt.container("e1", "p", "app", ContainerState.CONTAINER_EXITED, NOW.minusSeconds(300), "s1", "busybox");
        rt.container("c2", "p", "app", ContainerState.CONTAINER_CREATED, NOW.minusSeconds(ago), "s1", "busybox");
        gc(ContainerGc.Policy.DEFAULT, null).collect(true, false);
        // a created container about to start is the newest instance: the exited one before it stays for --previous
        assertEquals(removed ? List.of("e1") : List.of(), rt.removed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // state, removed sandboxes
            "ACTIVE,     old1 old2",   // the newest (dead, empty) sandbox of a live pod stays
            "GONE,       old1 old2 new3",
            "TERMINATED, old1 old2",
    })
    void deadEmptySandboxesAreRemoved(PodState state, String removed) {
        states.put("p", state);
        rt.sandbox("old1", "p", PodSandboxState.SANDBOX_NOTREADY, NOW.minusSeconds(300));
        rt.sandbox("old2", "p", PodSandboxState.SANDBOX_NOTREADY, NOW.minusSeconds(200));
        rt.sandbox("busy", "p", PodSandboxState.SANDBOX_NOTREADY, NOW.minusSeconds(150));
        rt.sandbox("new3", "p", PodSandboxState.SANDBOX_NOTREADY, NOW.minusSeconds(100));
        rt.container("r1", "p", "app", ContainerState.CONTAINER_RUNNING, NOW.minusSeconds(140), "busy", "busybox");
        gc(ContainerGc.Policy.DEFAULT, null).collect(true, false);
        assertEquals(set(removed), new TreeSet<>(rt.removed));
        assertTrue(rt.sandboxes.containsKey("busy"), "a sandbox that holds a container stays");
    }

    @Test
    void aSandboxEmptiedInTheSamePassGoesToo() {
        states.put("p", PodState.GONE);
        rt.sandbox("s1", "p", PodSandboxState.SANDBOX_NOTREADY, NOW.minusSeconds(300));
        rt.container("e1", "p", "app", ContainerState.CONTAINER_EXITED, NOW.minusSeconds(200), "s1", "busybox");
        gc(ContainerGc.Policy.DEFAULT, null).collect(true, false);
        assertEquals(List.of("e1", "s1"), rt.removed);
    }

    @Test
    void logDirectoriesOfGonePodsWithNothingLeftAreRemoved(@TempDir Path logs) throws IOException {
        states.put("live", PodState.ACTIVE);
        states.put("done", PodState.TERMINATED);
        for (String dir : List.of("ns_live_live", "ns_done_done", "ns_gone_gone", "ns_stopping_stopping")) {
            Files.createDirectories(logs.resolve(dir).resolve("app"));
            Files.writeString(logs.resolve(dir).resolve("app/0.log"), "x\n");
        }
        // "stopping" is gone from the API, but the pod workers are still stopping its container
        rt.container("r1", "stopping", "app", ContainerState.CONTAINER_RUNNING, NOW.minusSeconds(10), "s9", "busybox");
        var r = gc(ContainerGc.Policy.DEFAULT, logs).collect(true, false);
        assertEquals(1, r.logDirectories());
        assertFalse(Files.exists(logs.resolve("ns_gone_gone")));
        for (String kept : List.of("ns_live_live", "ns_done_done", "ns_stopping_stopping")) {
            assertTrue(Files.exists(logs.resolve(kept).resolve("app/0.log")), kept);
        }
        assertEquals(0, gc(ContainerGc.Policy.DEFAULT, logs).collect(false, false).logDirectories(),
                "nothing is judged gone before the pod cache has synced");
    }

    @Test
    void containersOfOthersAreNeverTouched() {
        rt.containers.put("foreign", io.kybernetes.kubelet.cri.v1.Container.newBuilder().setId("foreign")
                .setState(ContainerState.CONTAINER_EXITED).putLabels("io.kubernetes.pod.uid", "x").build());
        gc(new ContainerGc.Policy(Duration.ZERO, 0, 0), null).collect(true, true);
        assertEquals(List.of(), rt.removed);
    }

    static TreeSet<String> set(String words) {
        return words.isBlank() ? new TreeSet<>() : new TreeSet<>(Arrays.asList(words.trim().split("\\s+")));
    }
}
