package io.kybernetes.kubelet.hollow;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kybernetes.kubelet.node.MachineInfo;
import io.kybernetes.kubelet.node.NodeFactory;

/**
 * The shape of a fleet of hollow nodes (pure, so it is unit-tested): node {@code i} is named {@code <prefix><i>},
 * has the InternalIP {@code 198.18.0.0/15 + i + 1} (the benchmarking range, RFC 2544, never routed here), the pod
 * CIDR {@code 100.64.0.0/10 + i * 256} as a /24 (shared address space, RFC 6598), and the zone
 * {@code zone-<i % zones>}.
 */
public record HollowFleet(String prefix, int count, int zones, int cpus, long memoryKi) {

    public static final int MAX_NODES = 16_384;
    private static final long NODE_IP_BASE = ipv4(198, 18, 0, 0);
    private static final long POD_IP_BASE = ipv4(100, 64, 0, 0);
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String REGION_LABEL = "topology.kubernetes.io/region";
    public static final String HOLLOW_LABEL = "kybernetes.io/hollow-node";

    public HollowFleet {
        if (count < 1 || count > MAX_NODES) {
            throw new IllegalArgumentException("--hollow-nodes must be between 1 and " + MAX_NODES + ", not " + count);
        }
        if (prefix == null || !prefix.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9-])?")) {
            throw new IllegalArgumentException("--hollow-node-prefix must be a lower-case DNS name prefix, not '"
                    + prefix + "'");
        }
        if (zones < 1) {
            throw new IllegalArgumentException("--hollow-zones must be at least 1, not " + zones);
        }
    }

    public String name(int i) {
        return prefix + i;
    }

    /** The node's index, or -1 when the name is not one of this fleet's. */
    public int index(String nodeName) {
        if (nodeName == null || !nodeName.startsWith(prefix) || nodeName.length() == prefix.length()
                || nodeName.length() > prefix.length() + 5) {
            return -1;
        }
        int i = 0;
        for (int k = prefix.length(); k < nodeName.length(); k++) {
            char c = nodeName.charAt(k);
            if (c < '0' || c > '9' || (k == prefix.length() && c == '0' && nodeName.length() > k + 1)) {
                return -1;
            }
            i = i * 10 + (c - '0');
        }
        return i < count ? i : -1;
    }

    public String nodeIp(int i) {
        return format(NODE_IP_BASE + i + 1);
    }

    public String podCidr(int i) {
        return format(POD_IP_BASE + 256L * i) + "/24";
    }

    /** The {@code n}-th pod address of node {@code i} (cycling through .1 .. .254 of its /24). */
    public String podIp(int i, long n) {
        return format(POD_IP_BASE + 256L * i + 1 + Math.floorMod(n, 254));
    }

    public String zone(int i) {
        return "zone-" + (i % zones);
    }

    public Map<String, String> labels(int i) {
        Map<String, String> l = new LinkedHashMap<>(NodeFactory.labels(name(i)));
        l.put(ZONE_LABEL, zone(i));
        l.put(REGION_LABEL, "region-1");
        l.put(HOLLOW_LABEL, "true");
        return l;
    }

    /** What the node reports as its machine: the configured capacity, fixed identities. */
    public MachineInfo machine(int i) {
        return new MachineInfo(cpus, memoryKi, 100L << 30, "hollow", "kybernetes hollow node", "hollow-" + i,
                "hollow-boot-" + i, "hollow-" + i);
    }

    static long ipv4(int a, int b, int c, int d) {
        return ((long) a << 24) | (b << 16) | (c << 8) | d;
    }

    static String format(long ip) {
        return ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255);
    }
}
