package io.kybernetes.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostStatsTest {

    @Test
    void duCountsFileBytesAndInodesWithoutFollowingLinks(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a"), new byte[4096]);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/b"), new byte[1000]);
        Files.createSymbolicLink(dir.resolve("link"), Path.of("/etc"));
        // dir, a, sub, sub/b, link
        assertArrayEquals(new long[] {5096, 5}, HostStats.du(dir));
        assertArrayEquals(new long[] {0, 0}, HostStats.du(dir.resolve("missing")));
    }

    @Test
    void statfsOfARealFileSystem(@TempDir Path dir) {
        var fs = HostStats.statfs(dir);
        assertTrue(fs.totalBytes() > 0 && fs.availableBytes() <= fs.totalBytes(), fs.toString());
        assertTrue(fs.totalInodes() > 0, fs.toString());
        assertEquals(new HostStats.FsStat(4096L * 10, 4096L * 100, 7, 9), HostStats.parseStat("10 100 4096 7 9"));
    }

    @Test
    void theNodeSignalsAreObserved() {
        var signals = new HostStats(null, Path.of("/tmp/eviction-it-none"), Path.of("/tmp"));
        // no runtime here: imagefs is then the nodefs file system
        assertTrue(signals.node().containsKey(Signal.MEMORY_AVAILABLE));
        assertTrue(signals.node().get(Signal.MEMORY_AVAILABLE).capacity() > 0);
        assertTrue(signals.node().containsKey(Signal.NODEFS_AVAILABLE));
        assertTrue(signals.node().containsKey(Signal.PID_AVAILABLE));
        assertEquals(signals.node().get(Signal.NODEFS_AVAILABLE).capacity(),
                signals.node().get(Signal.IMAGEFS_AVAILABLE).capacity());
    }
}
