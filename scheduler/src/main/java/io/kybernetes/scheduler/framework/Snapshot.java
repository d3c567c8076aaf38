package io.kybernetes.scheduler.framework;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list of every node's {@link NodeInfo} (in node name order), with the cluster-wide lists upstream's
 * snapshot keeps beside it: the nodes that hold pods with pod affinity or anti-affinity terms, and those that hold
 * pods with required anti-affinity. A plain pod's InterPodAffinity PreFilter and PreScore then visit only those
 * nodes instead of all 5,000.
 */
public final class Snapshot extends AbstractList<NodeInfo> implements RandomAccess {

    private final NodeInfo[] nodes;
    private final List<NodeInfo> havePodsWithAffinity;
    private final List<NodeInfo> havePodsWithRequiredAntiAffinity;

    /** {@code nodes} is not copied: the caller hands it over and never changes it again. */
    public Snapshot(NodeInfo[] nodes, List<NodeInfo> havePodsWithAffinity,
            List<NodeInfo> havePodsWithRequiredAntiAffinity) {
        this.nodes = nodes;
        this.havePodsWithAffinity = havePodsWithAffinity;
        this.havePodsWithRequiredAntiAffinity = havePodsWithRequiredAntiAffinity;
    }

    /** A snapshot of {@code nodes}, computing the lists by a scan (tests, and lists built outside the cache). */
    public static Snapshot of(List<NodeInfo> nodes) {
        if (nodes instanceof Snapshot s) {
            return s;
        }
        return new Snapshot(nodes.toArray(NodeInfo[]::new),
                nodes.stream().filter(n -> !n.podsWithAffinity().isEmpty()).toList(),
                nodes.stream().filter(n -> !n.podsWithRequiredAntiAffinity().isEmpty()).toList());
    }

    @Override
    public NodeInfo get(int index) {
        return nodes[index];
    }

    @Override
    public int size() {
        return nodes.length;
    }

    /** The nodes with at least one pod that has pod affinity or anti-affinity terms. */
    public List<NodeInfo> havePodsWithAffinity() {
        return havePodsWithAffinity;
    }

    /** The nodes with at least one pod that has required pod anti-affinity terms. */
    public List<NodeInfo> havePodsWithRequiredAntiAffinity() {
        return havePodsWithRequiredAntiAffinity;
    }
}
