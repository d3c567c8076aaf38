package io.kybernetes.kubelet.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.kubelet.cri.CriClient;
import io.kybernetes.kubelet.cri.v1.ContainerStats;
import io.kybernetes.kubelet.pod.CriLabels;

/**
 * The kubelet's {@code /stats/summary} (the shape metrics pipelines read): node CPU and memory from the root cgroup
 * as upstream's (from /proc where it cannot be read), and per pod and container CPU and memory from CRI
 * ListContainerStats (containers that are not running have no reading and are left out). CPU usage in nano cores is
 * derived from two successive cumulative samples when the runtime does not report it.
 */
public final class StatsSummary {

    /** A cumulative CPU sample: when, and core-nanoseconds used so far. */
    record Sample(long timeNanos, long coreNanos) {
    }

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final CriClient cri;
    private final String nodeName;
    private final Map<String, Sample> previous = new ConcurrentHashMap<>();
    private final RootCgroup rootCgroup;

    public StatsSummary(CriClient cri, String nodeName) {
        this(cri, nodeName, Path.of("/sys/fs/cgroup"));
    }

    StatsSummary(CriClient cri, String nodeName, Path cgroupRoot) {
        this.cri = cri;
        this.nodeName = nodeName;
        this.rootCgroup = new RootCgroup(cgroupRoot);
    }

    public ObjectNode summary() {
        Instant now = Instant.now();
        ObjectNode root = JSON.objectNode();
        ObjectNode node = root.putObject("node");
        node.put("nodeName", nodeName);
        long nodeCpu = rootCgroup.cpuNanos().orElseGet(() -> nodeCpuNanos(read("/proc/stat")));
        long t = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        node.set("cpu", cpu(t, nodeCpu, rate("node", t, nodeCpu)));
        Map<String, Long> mem = meminfo(read("/proc/meminfo"));
        long total = mem.getOrDefault("MemTotal", 0L) * 1024;
        long available = mem.getOrDefault("MemAvailable", 0L) * 1024;
        ObjectNode nm = node.putObject("memory");
        long workingSet = rootCgroup.workingSetBytes().orElse(total - available);
        nm.put("time", now.toString()).put("availableBytes", Math.max(0, total - workingSet))
                .put("usageBytes", total - available).put("workingSetBytes", workingSet);

        Map<String, ObjectNode> pods = new LinkedHashMap<>();
        Map<String, long[]> podTotals = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ContainerStats s : cri.listContainerStats()) {
            seen.add(s.getAttributes().getId());
            if (!s.hasCpu() || s.getCpu().getTimestamp() == 0) {
                continue; // not running: the runtime has no reading for it
            }
            var labels = s.getAttributes().getLabelsMap();
            String uid = labels.get(CriLabels.POD_UID);
            if (uid == null) {
                continue;
            }
            ObjectNode pod = pods.computeIfAbsent(uid, u -> {
                ObjectNode p = JSON.objectNode();
                p.putObject("podRef").put("name", labels.getOrDefault(CriLabels.POD_NAME, ""))
                        .put("namespace", labels.getOrDefault(CriLabels.POD_NAMESPACE, "")).put("uid", u);
                p.putArray("containers");
                return p;
            });
            long cpuTime = s.getCpu().getTimestamp();
            long coreNanos = s.getCpu().getUsageCoreNanoSeconds().getValue();
            long nanoCores = s.getCpu().hasUsageNanoCores() && s.getCpu().getUsageNanoCores().getValue() > 0
                    ? s.getCpu().getUsageNanoCores().getValue() : rate(s.getAttributes().getId(), cpuTime, coreNanos);
            long ws = s.getMemory().getWorkingSetBytes().getValue();
            ObjectNode c = ((ArrayNode) pod.get("containers")).addObject();
            c.put("name", s.getAttributes().getMetadata().getName());
            c.set("cpu", cpu(cpuTime, coreNanos, nanoCores));
            c.putObject("memory").put("time", Instant.ofEpochSecond(0, s.getMemory().getTimestamp()).toString())
                    .put("workingSetBytes", ws).put("usageBytes", s.getMemory().getUsageBytes().getValue())
                    .put("rssBytes", s.getMemory().getRssBytes().getValue());
            long[] tot = podTotals.computeIfAbsent(uid, u -> new long[3]);
            tot[0] += coreNanos;
            tot[1] += nanoCores;
            tot[2] += ws;
        }
        ArrayNode list = root.putArray("pods");
        pods.forEach((uid, p) -> {
            long[] tot = podTotals.get(uid);
            p.set("cpu", cpu(t, tot[0], tot[1]));
            p.putObject("memory").put("time", now.toString()).put("workingSetBytes", tot[2]);
            list.add(p);
        });
        seen.add("node");
        previous.keySet().retainAll(seen); // forget containers that are gone
        return root;
    }

    private static ObjectNode cpu(long timeNanos, long coreNanos, long nanoCores) {
        ObjectNode n = JSON.objectNode();
        n.put("time", Instant.ofEpochSecond(0, timeNanos).toString());
        n.put("usageNanoCores", nanoCores);
        n.put("usageCoreNanoSeconds", coreNanos);
        return n;
    }

    /** Nano cores between the previous sample of {@code key} and this one (0 on the first sample). */
    long rate(String key, long timeNanos, long coreNanos) {
        Sample prev = previous.put(key, new Sample(timeNanos, coreNanos));
        return rate(prev, new Sample(timeNanos, coreNanos));
    }

    static long rate(Sample prev, Sample now) {
        if (prev == null || now.timeNanos() <= prev.timeNanos() || now.coreNanos() < prev.coreNanos()) {
            return 0;
        }
        return (long) ((double) (now.coreNanos() - prev.coreNanos()) * 1e9 / (now.timeNanos() - prev.timeNanos()));
    }

    /** Busy CPU time of the node from the first line of /proc/stat (USER_HZ = 100), in nanoseconds. */
    static long nodeCpuNanos(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    if (i != 4 && i != 5) { // idle and iowait are not busy
                        busy += Long.parseLong(f[i]);
                    }
                }
                return busy * 10_000_000L;
            }
        }
        return 0;
    }

    /** /proc/meminfo as name -> the number (kB for most): shared with the eviction manager's host signals. */
    public static Map<String, Long> meminfo(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String[] f = line.substring(colon + 1).trim().split("\\s+");
                try {
                    m.put(line.substring(0, colon), Long.parseLong(f[0]));
                } catch (NumberFormatException e) {
                    // not a number: skip
                }
            }
        }
        return m;
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            return "";
        }
    }
}
