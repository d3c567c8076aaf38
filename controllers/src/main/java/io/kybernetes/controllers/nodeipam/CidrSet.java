package io.kybernetes.controllers.nodeipam;

import java.util.BitSet;
import java.util.Optional;

/**
 * The node subnets of an IPv4 cluster CIDR (e.g. the /24s of 10.244.0.0/16): which are taken, and the next free one,
 * searched round-robin from after the last allocation as upstream's range allocator does, so that a released subnet
 * is not handed out again at once. Hand-written: a bit set over at most 2^16 subnets; no library does this.
 */
public final class CidrSet {

    /** Upstream's limit: at most 16 bits between the cluster prefix and the node mask (65,536 subnets). */
    static final int MAX_BITS = 16;

    private final int base;
    private final int clusterPrefix;
    private final int nodeMask;
    private final int count;
    private final BitSet used;
    private int next;

    public CidrSet(String clusterCidr, int nodeMaskSize) {
        Cidr c = Cidr.parse(clusterCidr);
        if (nodeMaskSize < c.prefix() || nodeMaskSize > 32) {
            throw new IllegalArgumentException("--node-cidr-mask-size " + nodeMaskSize + " must be between the "
                    + "cluster CIDR's prefix length (" + c.prefix() + ") and 32");
        }
        if (nodeMaskSize - c.prefix() > MAX_BITS) {
            throw new IllegalArgumentException("--node-cidr-mask-size " + nodeMaskSize + " is too big for "
                    + clusterCidr + ": at most " + MAX_BITS + " bits more than the cluster prefix");
        }
        this.base = c.address();
        this.clusterPrefix = c.prefix();
        this.nodeMask = nodeMaskSize;
        this.count = 1 << (nodeMaskSize - c.prefix());
        this.used = new BitSet(count);
    }

    public synchronized int free() {
        return count - used.cardinality();
    }

    public int size() {
        return count;
    }

    /** The next free subnet, or empty when every subnet is taken. */
    public synchronized Optional<String> allocateNext() {
        for (int i = 0; i < count; i++) {
            int candidate = (next + i) % count;
            if (!used.get(candidate)) {
                used.set(candidate);
                next = (candidate + 1) % count;
                return Optional.of(text(candidate));
            }
        }
        return Optional.empty();
    }

    /**
     * Marks every subnet that {@code cidr} overlaps as taken (a node's podCIDR, or a range such as the service
     * CIDR to keep out). False if it lies outside the cluster CIDR.
     */
    public synchronized boolean occupy(String cidr) {
        int[] range = range(cidr);
        if (range == null) {
            return false;
        }
        used.set(range[0], range[1] + 1);
        return true;
    }

    /** Frees the subnets {@code cidr} overlaps. False if it lies outside the cluster CIDR. */
    public synchronized boolean release(String cidr) {
        int[] range = range(cidr);
        if (range == null) {
            return false;
        }
        used.clear(range[0], range[1] + 1);
        return true;
    }

    public synchronized boolean isUsed(String cidr) {
        int[] range = range(cidr);
        return range != null && used.get(range[0]);
    }

    /** The indexes of the first and last subnets {@code cidr} overlaps, or null when it is outside. */
    private int[] range(String cidr) {
        Cidr c = Cidr.parse(cidr);
        int prefix = Math.min(c.prefix(), clusterPrefix);
        if (mask(prefix) != 0 && (c.address() & mask(prefix)) != (base & mask(prefix))) {
            return null;
        }
        long first = Integer.toUnsignedLong(Math.max(c.address() & mask(c.prefix()), base));
        long clusterLast = Integer.toUnsignedLong(base) + (1L << (32 - clusterPrefix)) - 1;
        long last = Math.min(Integer.toUnsignedLong(c.address() & mask(c.prefix())) + (1L << (32 - c.prefix())) - 1,
                clusterLast);
        int shift = 32 - nodeMask;
        long b = Integer.toUnsignedLong(base);
        return new int[] {(int) ((first - b) >>> shift), (int) ((last - b) >>> shift)};
    }

    private String text(int index) {
        long a = Integer.toUnsignedLong(base) + ((long) index << (32 - nodeMask));
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255) + "/"
                + nodeMask;
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** An IPv4 CIDR: its network address (host bits cleared) and prefix length. */
    record Cidr(int address, int prefix) {
        static Cidr parse(String text) {
            String t = text == null ? "" : text.trim();
            int slash = t.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("invalid CIDR \"" + text + "\" (want e.g. 10.244.0.0/16)");
            }
            String[] octets = t.substring(0, slash).split("\\.", -1);
            int prefix;
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (octets.length != 4 || prefix < 0 || prefix > 32) {
                throw new IllegalArgumentException(t.contains(":")
                        ? "IPv6 CIDR \"" + text + "\" is not supported (IPv4 only)"
                        : "invalid CIDR \"" + text + "\" (want e.g. 10.244.0.0/16)");
            }
            int a = 0;
            for (String o : octets) {
                int v;
                try {
                    v = Integer.parseInt(o);
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < 0 || v > 255 || o.isEmpty() || o.length() > 3) {
                    throw new IllegalArgumentException("invalid CIDR \"" + text + "\" (want e.g. 10.244.0.0/16)");
                }
                a = (a << 8) | v;
            }
            return new Cidr(a & mask(prefix), prefix);
        }
    }
}
