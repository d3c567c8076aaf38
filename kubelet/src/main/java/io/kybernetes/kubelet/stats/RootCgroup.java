package io.kybernetes.kubelet.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The node's CPU and memory figures from the root cgroup, as upstream's kubelet (cAdvisor) takes them: CPU time is
 * the root's cumulative usage (cgroup v1 cpuacct.usage, or v2 cpu.stat usage_usec), the memory working set is the
 * root's usage minus its inactive file pages (v1 memory.usage_in_bytes minus total_inactive_file). Either may be
 * absent (a v2 root has no memory.current); the caller then falls back to /proc.
 */
public final class RootCgroup {

    private final Path root;

    public RootCgroup(Path root) {
        this.root = root;
    }

    /** Cumulative CPU time of everything on the node, in nanoseconds. */
    OptionalLong cpuNanos() {
        OptionalLong v1 = number(root.resolve("cpuacct/cpuacct.usage"));
        if (v1.isPresent()) {
            return v1;
        }
        for (Path stat : new Path[] {root.resolve("cpu.stat"), root.resolve("unified/cpu.stat")}) {
            OptionalLong usec = field(read(stat), "usage_usec");
            if (usec.isPresent()) {
                return OptionalLong.of(usec.getAsLong() * 1000);
            }
        }
        return OptionalLong.empty();
    }

    /** Memory in use minus inactive file pages (what can be reclaimed without I/O), in bytes. */
    public OptionalLong workingSetBytes() {
        OptionalLong usage = number(root.resolve("memory/memory.usage_in_bytes"));
        if (usage.isEmpty()) {
            return OptionalLong.empty();
        }
        long inactive = field(read(root.resolve("memory/memory.stat")), "total_inactive_file").orElse(0);
        return OptionalLong.of(Math.max(0, usage.getAsLong() - inactive));
    }

    /** The value of a "key value" line of a cgroup stat file. */
    static OptionalLong field(String stat, String key) {
        for (String line : stat.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                try {
                    return OptionalLong.of(Long.parseLong(f[1]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong number(Path p) {
        String s = read(p).trim();
        try {
            return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String read(Path p) {
        try {
            // one read: cgroup files answer a second read with EOF
            return new String(Files.readAllBytes(p));
        } catch (IOException e) {
            return "";
        }
    }
}
