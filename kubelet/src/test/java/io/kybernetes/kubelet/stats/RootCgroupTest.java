package io.kybernetes.kubelet.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCgroupTest {

    @Test
    void cgroupV1Root(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("cpuacct"));
        Files.createDirectories(root.resolve("memory"));
        Files.writeString(root.resolve("cpuacct/cpuacct.usage"), "29244967373528\n");
        Files.writeString(root.resolve("memory/memory.usage_in_bytes"), "2705985536\n");
        Files.writeString(root.resolve("memory/memory.stat"), "cache 1\ninactive_file 0\ntotal_inactive_file 482803712\n");
        RootCgroup c = new RootCgroup(root);
        assertEquals(29244967373528L, c.cpuNanos().getAsLong());
        assertEquals(2705985536L - 482803712L, c.workingSetBytes().getAsLong());
    }

    @Test
    void cgroupV2RootHasCpuOnly(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        RootCgroup c = new RootCgroup(root);
        assertEquals(1_500_000L, c.cpuNanos().getAsLong());
        assertTrue(c.workingSetBytes().isEmpty());
    }

    @Test
    void hybridUsesTheUnifiedCpuStatWhenCpuacctIsMissing(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("unified"));
        Files.writeString(root.resolve("unified/cpu.stat"), "usage_usec 7\n");
        assertEquals(7000L, new RootCgroup(root).cpuNanos().getAsLong());
    }

    @Test
    void nothingReadable(@TempDir Path root) {
        RootCgroup c = new RootCgroup(root.resolve("absent"));
        assertTrue(c.cpuNanos().isEmpty());
        assertTrue(c.workingSetBytes().isEmpty());
    }
}
