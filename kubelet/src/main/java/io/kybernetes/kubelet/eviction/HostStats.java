package io.kybernetes.kubelet.eviction;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.grpc.StatusRuntimeException;
import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.cri.v1.ContainerStats;
import io.kybernetes.kubelet.pod.ContainerSpecs;
import io.kybernetes.kubelet.pod.CriLabels;
import io.kybernetes.kubelet.stats.RootCgroup;
import io.kybernetes.kubelet.stats.StatsSummary;

/**
 * The real node's signals and pods' usage:
 * <ul>
 * <li>memory.available = MemTotal - working set of the root cgroup (usage minus inactive file pages), as upstream;
 * MemAvailable where the cgroup cannot be read;</li>
 * <li>nodefs.* = the file system of the kubelet's root dir; imagefs.* = the one the runtime reports in CRI
 * ImageFsInfo (nodefs when it reports none); both read with statfs (bytes available to unprivileged users, free
 * inodes);</li>
 * <li>pid.available = min(pid_max, threads-max) - the kernel's scheduling entities (/proc/loadavg);</li>
 * <li>per container: memory working set and writable layer from CRI ListContainerStats, logs by walking its log
 * directory; per emptyDir: its directory, walked like du.</li>
 * </ul>
 */
public final class HostStats implements StatsSource {

    private static final Logger LOG = Logger.getLogger(HostStats.class);
    static final String EMPTY_DIR = "kubernetes.io~empty-dir";

    private final CriClient cri;
    private final Path rootDir;
    private final Path podLogRoot;
    private final RootCgroup cgroup;
    private volatile Path imageFs;

    public HostStats(CriClient cri, Path rootDir, Path podLogRoot) {
        this.cri = cri;
        this.rootDir = rootDir;
        this.podLogRoot = podLogRoot;
        this.cgroup = new RootCgroup(Path.of("/sys/fs/cgroup"));
    }

    @Override
    public Map<Signal, Observation> node() {
        Map<Signal, Observation> out = new EnumMap<>(Signal.class);
        Map<String, Long> mem = StatsSummary.meminfo(read(Path.of("/proc/meminfo")));
        Long total = mem.get("MemTotal");
        if (total != null) {
            long capacity = total * 1024;
            OptionalLong ws = cgroup.workingSetBytes();
            long available = ws.isPresent() ? capacity - ws.getAsLong()
                    : mem.getOrDefault("MemAvailable", total) * 1024;
            out.put(Signal.MEMORY_AVAILABLE, new Observation(available, capacity));
        }
        FsStat node = statfs(existing(rootDir));
        if (node != null) {
            out.put(Signal.NODEFS_AVAILABLE, new Observation(node.availableBytes, node.totalBytes));
            out.put(Signal.NODEFS_INODES_FREE, new Observation(node.freeInodes, node.totalInodes));
        }
        FsStat image = imageFsPath() == null ? node : statfs(imageFsPath());
        if (image != null) {
            out.put(Signal.IMAGEFS_AVAILABLE, new Observation(image.availableBytes, image.totalBytes));
            out.put(Signal.IMAGEFS_INODES_FREE, new Observation(image.freeInodes, image.totalInodes));
        }
        long pidMax = Math.min(number(Path.of("/proc/sys/kernel/pid_max")), number(Path.of("/proc/sys/kernel/threads-max")));
        String loadavg = read(Path.of("/proc/loadavg")).trim();
        String[] f = loadavg.split("\\s+");
        if (pidMax > 0 && pidMax < Long.MAX_VALUE && f.length >= 4 && f[3].contains("/")) {
            long running = Long.parseLong(f[3].substring(f[3].indexOf('/') + 1));
            out.put(Signal.PID_AVAILABLE, new Observation(pidMax - running, pidMax));
        }
        return out;
    }

    private Path imageFsPath() {
        if (imageFs == null) {
            try {
                var fs = cri.imageFsInfo().getImageFilesystemsList();
                if (!fs.isEmpty() && !fs.get(0).getFsId().getMountpoint().isEmpty()) {
                    imageFs = Path.of(fs.get(0).getFsId().getMountpoint());
                }
            } catch (StatusRuntimeException e) {
                LOG.debugf("ImageFsInfo: %s", e.getStatus());
            } catch (RuntimeException e) {
                LOG.debugf("ImageFsInfo: %s", e.toString()); // no runtime connection
            }
        }
        return imageFs == null ? null : existing(imageFs);
    }

    @Override
    public Map<String, PodUsage> pods(List<Pod> pods) {
        Map<String, Map<String, ContainerStats>> newest = new HashMap<>();
        for (ContainerStats s : cri.listContainerStats()) {
            String uid = s.getAttributes().getLabelsMap().get(CriLabels.POD_UID);
            if (uid == null) {
                continue;
            }
            newest.computeIfAbsent(uid, u -> new HashMap<>()).merge(s.getAttributes().getMetadata().getName(), s,
                    (a, b) -> a.getAttributes().getMetadata().getAttempt() >= b.getAttributes().getMetadata().getAttempt()
                            ? a : b);
        }
        Map<String, PodUsage> out = new HashMap<>();
        for (Pod pod : pods) {
            String uid = pod.getMetadata().getUid();
            Map<String, PodUsage.ContainerUsage> containers = new HashMap<>();
            Path logs = ContainerSpecs.podLogDirectory(podLogRoot, pod);
            newest.getOrDefault(uid, Map.of()).forEach((name, s) -> {
                Long rootfs = null;
                long rootfsInodes = 0;
                if (s.hasWritableLayer() && s.getWritableLayer().hasUsedBytes()) {
                    rootfs = s.getWritableLayer().getUsedBytes().getValue();
                    rootfsInodes = s.getWritableLayer().getInodesUsed().getValue();
                }
                long[] logUse = du(logs.resolve(name));
                containers.put(name, new PodUsage.ContainerUsage(s.getMemory().getWorkingSetBytes().getValue(), rootfs,
                        rootfsInodes, logUse[0], logUse[1]));
            });
            Map<String, PodUsage.VolumeUsage> dirs = new HashMap<>();
            Path base = rootDir.resolve("pods").resolve(uid).resolve("volumes").resolve(EMPTY_DIR);
            if (pod.getSpec().getVolumes() != null) {
                for (Volume v : pod.getSpec().getVolumes()) {
                    if (v.getEmptyDir() != null && Files.isDirectory(base.resolve(v.getName()))) {
                        long[] use = du(base.resolve(v.getName()));
                        dirs.put(v.getName(), new PodUsage.VolumeUsage(use[0], use[1],
                                "Memory".equals(v.getEmptyDir().getMedium())));
                    }
                }
            }
            if (!containers.isEmpty() || !dirs.isEmpty()) {
                out.put(uid, new PodUsage(containers, dirs, null));
            }
        }
        return out;
    }

    /** Bytes and inodes under a directory, like du: regular files' sizes, each entry one inode, no symlinks followed. */
    static long[] du(Path dir) {
        long[] use = new long[2];
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return use;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    use[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    use[1]++;
                    if (attrs.isRegularFile()) {
                        use[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed while walking
                }
            });
        } catch (IOException e) {
            LOG.debugf("du %s: %s", dir, e.getMessage());
        }
        return use;
    }

    record FsStat(long availableBytes, long totalBytes, long freeInodes, long totalInodes) {
    }

    /**
     * statfs of a path through stat(1): Java's FileStore has no inode counts, and calling statfs(2) directly would
     * need JNI. Falls back to FileStore (bytes only) when stat fails.
     */
    static FsStat statfs(Path p) {
        try {
            Process proc = new ProcessBuilder("stat", "-f", "-c", "%a %b %S %d %c", p.toString())
                    .redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes()).trim();
            if (proc.waitFor(5, TimeUnit.SECONDS) && proc.exitValue() == 0) {
                return parseStat(out);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("stat -f %s: %s", p, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            var store = Files.getFileStore(p);
            return new FsStat(store.getUsableSpace(), store.getTotalSpace(), Long.MAX_VALUE, Long.MAX_VALUE);
        } catch (IOException e) {
            return null;
        }
    }

    /** "available-blocks total-blocks block-size free-inodes total-inodes". */
    static FsStat parseStat(String out) {
        String[] f = out.split("\\s+");
        long bsize = Long.parseLong(f[2]);
        return new FsStat(Long.parseLong(f[0]) * bsize, Long.parseLong(f[1]) * bsize, Long.parseLong(f[3]),
                Long.parseLong(f[4]));
    }

    private static Path existing(Path p) {
        Path q = p;
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return q == null ? Path.of("/") : q;
    }

    private static long number(Path p) {
        try (var in = Files.newBufferedReader(p)) {
            // one read: a sysctl file answers a second read at an offset with EOF
            return Long.parseLong(in.readLine().trim());
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p));
        } catch (IOException e) {
            return "";
        }
    }
}
