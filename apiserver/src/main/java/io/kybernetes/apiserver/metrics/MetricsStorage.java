package io.kybernetes.apiserver.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The last two samples of every node and container, as metrics-server keeps them: a CPU rate needs two cumulative
 * readings, so a node or pod has metrics from its second scrape on. Pods and containers missing from a node's
 * newest scrape are forgotten, as are nodes that left the cluster.
 */
final class MetricsStorage {

    /** The previous and the last sample of one counter. */
    private static final class Pair {
        Point prev;
        Point last;

        void add(Point p) {
            if (last != null && p.timeNanos() <= last.timeNanos()) {
                return; // the same reading scraped twice
            }
            prev = last;
            last = p;
        }

        Usage usage() {
            return Usage.between(prev, last);
        }
    }

    private static final class PodEntry {
        final String node;
        final String uid;
        final Map<String, Pair> containers = new LinkedHashMap<>();

        PodEntry(String node, String uid) {
            this.node = node;
            this.uid = uid;
        }
    }

    /** One container's usage in a pod's metrics. */
    record ContainerUsage(String name, Usage usage) {
    }

    /** A pod's metrics: the newest container timestamp, its window, and every container's usage. */
    record PodUsage(long timeNanos, long windowNanos, List<ContainerUsage> containers) {
    }

    private final Map<String, Pair> nodes = new HashMap<>();
    private final Map<String, PodEntry> pods = new HashMap<>();

    synchronized void store(Summary s) {
        if (s.nodePoint() != null) {
            nodes.computeIfAbsent(s.node(), n -> new Pair()).add(s.nodePoint());
        }
        pods.entrySet().removeIf(e -> e.getValue().node.equals(s.node()) && !s.pods().containsKey(e.getKey()));
        s.pods().forEach((key, pod) -> {
            PodEntry e = pods.get(key);
            if (e == null || !e.uid.equals(pod.uid()) || !e.node.equals(s.node())) {
                e = new PodEntry(s.node(), pod.uid());
                pods.put(key, e);
            }
            e.containers.keySet().retainAll(pod.containers().keySet());
            for (var c : pod.containers().entrySet()) {
                e.containers.computeIfAbsent(c.getKey(), n -> new Pair()).add(c.getValue());
            }
        });
    }

    /** Forgets the nodes (and their pods) not in {@code current}. */
    synchronized void retainNodes(Set<String> current) {
        nodes.keySet().retainAll(current);
        pods.values().removeIf(p -> !current.contains(p.node));
    }

    /** Forgets a node whose kubelet could not be scraped, as metrics-server drops stale points. */
    synchronized void forget(String node) {
        nodes.remove(node);
        pods.values().removeIf(p -> p.node.equals(node));
    }

    synchronized Optional<Usage> node(String name) {
        Pair p = nodes.get(name);
        return p == null ? Optional.empty() : Optional.ofNullable(p.usage());
    }

    /** The pod's metrics when every one of its containers has a rate. */
    synchronized Optional<PodUsage> pod(String namespace, String name) {
        PodEntry e = pods.get(namespace + "/" + name);
        if (e == null || e.containers.isEmpty()) {
            return Optional.empty();
        }
        List<ContainerUsage> out = new ArrayList<>();
        long time = 0;
        long window = 0;
        for (var c : e.containers.entrySet()) {
            Usage u = c.getValue().usage();
            if (u == null) {
                return Optional.empty();
            }
            out.add(new ContainerUsage(c.getKey(), u));
            if (u.timeNanos() > time) {
                time = u.timeNanos();
                window = u.windowNanos();
            }
        }
        return Optional.of(new PodUsage(time, window, out));
    }
}
