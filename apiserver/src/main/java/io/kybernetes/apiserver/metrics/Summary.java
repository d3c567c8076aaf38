package io.kybernetes.apiserver.metrics;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one scrape of a kubelet's {@code /stats/summary} gives the metrics API: the node's sample and one sample per
 * container of each pod (keyed {@code namespace/name}). Containers without a CPU reading (not running) are left out;
 * of two containers with the same name (a restart) the newer sample wins.
 */
record Summary(String node, Point nodePoint, Map<String, Pod> pods) {

    record Pod(String namespace, String name, String uid, Map<String, Point> containers) {
    }

    static Summary parse(String nodeName, JsonNode summary) {
        Point node = point(summary.path("node"));
        Map<String, Pod> pods = new LinkedHashMap<>();
        for (JsonNode p : summary.path("pods")) {
            JsonNode ref = p.path("podRef");
            String ns = ref.path("namespace").asText("");
            String name = ref.path("name").asText("");
            if (ns.isEmpty() || name.isEmpty()) {
                continue;
            }
            Map<String, Point> containers = new LinkedHashMap<>();
            for (JsonNode c : p.path("containers")) {
                Point pt = point(c);
                String cname = c.path("name").asText("");
                if (pt == null || cname.isEmpty()) {
                    continue;
                }
                containers.merge(cname, pt, (a, b) -> b.timeNanos() > a.timeNanos() ? b : a);
            }
            if (!containers.isEmpty()) {
                pods.put(ns + "/" + name, new Pod(ns, name, ref.path("uid").asText(""), containers));
            }
        }
        return new Summary(nodeName, node, pods);
    }

    /** The CPU counter, its time and the working set of a node or container entry; null without a CPU reading. */
    static Point point(JsonNode entry) {
        JsonNode cpu = entry.path("cpu");
        if (!cpu.has("usageCoreNanoSeconds") || !cpu.has("time")) {
            return null;
        }
        long time = nanos(cpu.path("time").asText(""));
        if (time <= 0) {
            return null;
        }
        return new Point(time, cpu.path("usageCoreNanoSeconds").asLong(), entry.path("memory")
                .path("workingSetBytes").asLong(0));
    }

    static long nanos(String rfc3339) {
        try {
            Instant t = Instant.parse(rfc3339);
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
