package io.kybernetes.apiserver.allocation;

/** An IPv4 CIDR: its first address and size, with conversions to and from dotted quads. */
public record Cidr(long base, int prefix) {

    public static Cidr parse(String cidr) {
        String[] parts = cidr.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a CIDR: " + cidr);
        }
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 1 || prefix > 30) {
            throw new IllegalArgumentException("CIDR prefix must be 1-30: " + cidr);
        }
        long ip = toLong(parts[0]);
        long mask = (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return new Cidr(ip & mask, prefix);
    }

    public long size() {
        return 1L << (32 - prefix);
    }

    public boolean contains(String ip) {
        try {
            long v = toLong(ip);
            return v > base && v < base + size() - 1;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The address at {@code offset} from the network address. */
    public String at(long offset) {
        return toString(base + offset);
    }

    public static long toLong(String ip) {
        String[] o = ip.trim().split("\\.");
        if (o.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long v = 0;
        for (String s : o) {
            int b = Integer.parseInt(s);
            if (b < 0 || b > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            v = (v << 8) | b;
        }
        return v;
    }

    public static String toString(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
}
