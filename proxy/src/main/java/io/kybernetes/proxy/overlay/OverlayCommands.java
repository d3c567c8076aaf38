package io.kybernetes.proxy.overlay;

import java.util.ArrayList;
import java.util.List;

/**
 * Pure: the {@code ip} / {@code bridge} commands that program flannel's vxlan backend design on one node. One device
 * ({@code kyb.1}: VNI 1, UDP 8472, {@code nolearning}, address = this node's pod CIDR's network address /32); per
 * other node a route to its pod CIDR via its VTEP address ({@code onlink}), a permanent neighbour entry (VTEP address
 * -> VTEP MAC) and a permanent FDB entry (VTEP MAC -> public IP), so the kernel never floods or learns.
 */
public final class OverlayCommands {

    public static final String DEVICE = "kyb.1";
    public static final int VNI = 1;
    public static final int PORT = 8472;

    private final String device;

    public OverlayCommands(String device) {
        this.device = device;
    }

    public String device() {
        return device;
    }

    /** Creates the device (only when {@code exists} is false), sets its address and brings it up. */
    public List<List<String>> device(boolean exists, String localIp, String podCidr) {
        List<List<String>> out = new ArrayList<>();
        if (!exists) {
            out.add(List.of("ip", "link", "add", device, "type", "vxlan", "id", String.valueOf(VNI), "local", localIp,
                    "dstport", String.valueOf(PORT), "nolearning"));
        }
        out.add(List.of("ip", "addr", "replace", podCidr.substring(0, podCidr.indexOf('/')) + "/32", "dev", device));
        out.add(List.of("ip", "link", "set", device, "up"));
        return out;
    }

    /** Deletes the device (its routes, neighbours and FDB entries go with it). */
    public List<List<String>> deleteDevice() {
        return List.of(List.of("ip", "link", "delete", device));
    }

    /** Programs a peer; every command replaces, so running it again changes nothing. */
    public List<List<String>> add(VxlanPeer p) {
        return List.of(
                List.of("ip", "neigh", "replace", p.vtepIp(), "lladdr", p.vtepMac(), "dev", device, "nud", "permanent"),
                List.of("bridge", "fdb", "replace", p.vtepMac(), "dev", device, "dst", p.publicIp(), "self", "permanent"),
                List.of("ip", "route", "replace", p.podCidr(), "via", p.vtepIp(), "dev", device, "onlink"));
    }

    /** Removes what {@link #add} programmed: the route first, so no packet is routed to a half-removed peer. */
    public List<List<String>> remove(VxlanPeer p) {
        return List.of(
                List.of("ip", "route", "del", p.podCidr(), "dev", device),
                List.of("ip", "neigh", "del", p.vtepIp(), "dev", device),
                List.of("bridge", "fdb", "del", p.vtepMac(), "dev", device, "dst", p.publicIp(), "self"));
    }

    /**
     * A peer changed: removes only the entries the new values no longer cover (a route and neighbour keyed by the
     * old pod CIDR, an FDB entry keyed by the old MAC and public IP), then programs the new values.
     */
    public List<List<String>> update(VxlanPeer was, VxlanPeer now) {
        if (was.equals(now)) {
            return List.of();
        }
        List<List<String>> out = new ArrayList<>();
        List<List<String>> removeOld = remove(was);
        if (!was.podCidr().equals(now.podCidr())) {
            out.add(removeOld.get(0));
            out.add(removeOld.get(1));
        }
        if (!was.vtepMac().equals(now.vtepMac()) || !was.publicIp().equals(now.publicIp())) {
            out.add(removeOld.get(2));
        }
        out.addAll(add(now));
        return out;
    }

    /** {@code ip -o link show dev DEVICE} -> the device's MAC; null when the output has none. */
    public static String macOf(String ipLinkOutput) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("link/ether ([0-9a-fA-F:]{17})").matcher(ipLinkOutput);
        return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : null;
    }

    /** {@code ip -d -o link show dev DEVICE} -> whether it is our VXLAN (VNI, local address, port). */
    public static boolean sameVxlan(String ipLinkDetails, String localIp) {
        return ipLinkDetails.contains("vxlan id " + VNI + " ") && ipLinkDetails.contains("local " + localIp + " ")
                && ipLinkDetails.contains("dstport " + PORT + " ");
    }

    /** {@code ip -o route show dev DEVICE} -> the destinations (pod CIDRs) routed over it. */
    public static List<String> routedCidrs(String ipRouteOutput) {
        List<String> out = new ArrayList<>();
        for (String line : ipRouteOutput.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length > 0 && f[0].matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
                out.add(f[0]);
            }
        }
        return out;
    }
}
