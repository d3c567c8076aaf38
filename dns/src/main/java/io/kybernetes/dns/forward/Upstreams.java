package io.kybernetes.dns.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parses upstream resolver addresses: {@code --upstream} values and the nameservers of a resolv.conf. */
public final class Upstreams {

    private Upstreams() {
    }

    /** {@code "10.0.0.1,10.0.0.2:5353,[fd00::1]:53"} to addresses (port 53 by default). */
    public static List<InetSocketAddress> parse(String list) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String raw : list.split(",")) {
            String s = raw.trim();
            if (s.isEmpty()) {
                continue;
            }
            String host = s;
            int port = 53;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("bad upstream \"" + s + "\"");
                }
                host = s.substring(1, close);
                if (s.length() > close + 2 && s.charAt(close + 1) == ':') {
                    port = Integer.parseInt(s.substring(close + 2));
                }
            } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':')) {
                host = s.substring(0, s.indexOf(':'));
                port = Integer.parseInt(s.substring(s.indexOf(':') + 1));
            }
            try {
                out.add(new InetSocketAddress(org.xbill.DNS.Address.getByAddress(host), port));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("upstream \"" + s + "\" is not an IP address", e);
            }
        }
        return out;
    }

    /** The {@code nameserver} lines of a resolv.conf file; empty if it cannot be read. */
    public static List<InetSocketAddress> fromResolvConf(Path file) {
        List<String> servers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver")) {
                    servers.add(f[1].contains(":") ? "[" + f[1].replaceAll("%.*", "") + "]" : f[1]);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return parse(String.join(",", servers));
    }
}
