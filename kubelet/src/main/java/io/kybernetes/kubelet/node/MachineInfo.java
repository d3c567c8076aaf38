package io.kybernetes.kubelet.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Facts about this machine that the Node status reports, read from /proc, /etc and /sys. */
public record MachineInfo(int cpus, long memoryKi, long ephemeralStorageBytes, String kernelVersion, String osImage,
                          String machineID, String bootID, String systemUUID) {

    public static MachineInfo read(Path rootDir) {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                memTotalKi(read("/proc/meminfo").orElse("")),
                diskBytes(rootDir),
                read("/proc/sys/kernel/osrelease").orElse(""),
                osImage(read("/etc/os-release").orElse("")),
                read("/etc/machine-id").orElse(""),
                read("/proc/sys/kernel/random/boot_id").orElse(""),
                read("/sys/class/dmi/id/product_uuid").orElse(""));
    }

    /** MemTotal from /proc/meminfo, in KiB. */
    static long memTotalKi(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.substring("MemTotal:".length()).trim().split("\\s+");
                return Long.parseLong(f[0]);
            }
        }
        return 0;
    }

    /** PRETTY_NAME from os-release, unquoted. */
    static String osImage(String osRelease) {
        for (String line : osRelease.split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replaceAll("^\"|\"$", "");
            }
        }
        return "Linux";
    }

    private static long diskBytes(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            return Files.getFileStore(p == null ? Path.of("/") : p).getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Optional<String> read(String path) {
        try {
            return Optional.of(Files.readString(Path.of(path)).trim());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
