package io.kybernetes.kubelet.node;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's resource pressure as upstream's default hard eviction thresholds judge it: memory.available under
 * 100Mi, less than 10% free on the kubelet's file system, less than 10% of the PID space left.
 */
public record HostPressure(long memoryAvailableBytes, long diskAvailableBytes, long diskTotalBytes, long pids,
                           long pidMax) {

    static final long MEMORY_THRESHOLD = 100L * 1024 * 1024;

    public static final HostPressure NONE = new HostPressure(Long.MAX_VALUE, 1, 1, 0, Long.MAX_VALUE);

    public boolean memory() {
        return memoryAvailableBytes < MEMORY_THRESHOLD;
    }

    public boolean disk() {
        return diskTotalBytes > 0 && diskAvailableBytes < diskTotalBytes / 10;
    }

    public boolean pid() {
        // compared without multiplying: NONE's Long.MAX_VALUE times 10 overflowed into "pressure"
        return pidMax > 0 && pidMax < Long.MAX_VALUE && pidMax - pids < pidMax / 10;
    }

    public static HostPressure read(Path rootDir) {
        long memAvail = Long.MAX_VALUE;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    memAvail = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: no pressure reported
        }
        long avail = 1;
        long total = 1;
        Path p = rootDir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            var store = Files.getFileStore(p == null ? Path.of("/") : p);
            avail = store.getUsableSpace();
            total = store.getTotalSpace();
        } catch (IOException e) {
            // unknown
        }
        long pids = 0;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), e -> e.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path ignored : procs) {
                pids++;
            }
        } catch (IOException e) {
            pids = 0;
        }
        long pidMax;
        try {
            // one read with a large buffer: a sysctl file read from a non-zero offset (Files.readString's second
            // read on a file whose size is 0) answers EOF, which left "3" of "32768"
            try (var in = Files.newBufferedReader(Path.of("/proc/sys/kernel/pid_max"))) {
                pidMax = Long.parseLong(in.readLine().trim());
            }
        } catch (IOException | NumberFormatException e) {
            pidMax = Long.MAX_VALUE;
        }
        return new HostPressure(memAvail, avail, total, pids, pidMax);
    }
}
