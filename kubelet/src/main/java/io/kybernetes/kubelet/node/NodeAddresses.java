package io.kybernetes.kubelet.node;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The node's name and IP as upstream picks them by default. */
public final class NodeAddresses {

    private NodeAddresses() {
    }

    /** The first non-loopback IPv4 address of an interface that is up (interfaces in index order), else 127.0.0.1. */
    public static String firstNonLoopbackIPv4() {
        try {
            List<NetworkInterface> ifs = Collections.list(NetworkInterface.getNetworkInterfaces());
            ifs.sort(Comparator.comparingInt(NetworkInterface::getIndex));
            for (NetworkInterface nif : ifs) {
                if (!nif.isUp() || nif.isLoopback() || nif.isVirtual()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to loopback
        }
        return "127.0.0.1";
    }

    /** The host name (the kernel's), lower-cased as upstream does. */
    public static String hostname() {
        String h;
        try {
            h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException u) {
                h = "localhost";
            }
        }
        return h.toLowerCase(Locale.ROOT);
    }
}
