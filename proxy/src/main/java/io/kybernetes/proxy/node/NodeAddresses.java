package io.kybernetes.proxy.node;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** This node's name and the local IPv4 addresses that accept node ports ({@code --nodeport-addresses}). */
public final class NodeAddresses {

    private NodeAddresses() {
    }

    /** {@code --hostname-override}, else the host name in lower case (the kubelet's node name). */
    public static String nodeName(String override) {
        if (override != null && !override.isBlank()) {
            return override.strip().toLowerCase(Locale.ROOT);
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (java.io.IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "" : env.toLowerCase(Locale.ROOT);
        }
    }

    /** The local IPv4 addresses inside any of {@code cidrs}, sorted; empty input gives an empty list (= all). */
    public static List<String> matching(List<String> cidrs) {
        if (cidrs.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && cidrs.stream().anyMatch(c -> contains(c, a.getHostAddress()))) {
                        out.add(a.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list network interfaces: " + e.getMessage(), e);
        }
        return out.stream().distinct().sorted().toList();
    }

    /** IPv4 CIDR containment ({@code 10.0.0.0/8} contains {@code 10.1.2.3}); a bare IP means /32. */
    public static boolean contains(String cidr, String ip) {
        String[] parts = cidr.strip().split("/");
        if (!parts[0].contains(".")) {
            return false;
        }
        int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : 32;
        if (bits < 0 || bits > 32) {
            throw new IllegalArgumentException("bad CIDR " + cidr);
        }
        long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
        return (toLong(parts[0]) & mask) == (toLong(ip) & mask);
    }

    static long toLong(String ip) {
        String[] o = ip.split("\\.");
        if (o.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long v = 0;
        for (String s : o) {
            v = (v << 8) | Integer.parseInt(s);
        }
        return v;
    }
}
