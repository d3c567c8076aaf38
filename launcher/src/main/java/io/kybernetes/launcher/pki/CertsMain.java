package io.kybernetes.launcher.pki;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kybernetes certs}: generate the cluster's PKI, renew its certificates, print their expiry (kubeadm's
 * {@code certs} commands). A plain main, no Quarkus: {@code java -cp '<app>/lib/main/*'
 * io.kybernetes.launcher.pki.CertsMain generate}.
 */
public final class CertsMain {

    static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("dir", "/etc/kybernetes|directory of pki/ and the kubeconfigs");
        FLAGS.put("state-dir", "/var/lib/kybernetes|state directory; the kubelet's serving certificate goes to "
                + "<state-dir>/kubelet/pki/kubelet.{crt,key}");
        FLAGS.put("node-name", "|the node's name (default: the host name, lower case)");
        FLAGS.put("node-ip", "|the node's IP (default: the source address of the default route)");
        FLAGS.put("server", "|API server URL written into new kubeconfigs (default " + ClusterPki.DEFAULT_SERVER
                + "); when given, existing kubeconfigs must have it");
        FLAGS.put("service-cidr", "10.96.0.0/12|Service IP range; its first address is an apiserver SAN");
        FLAGS.put("apiserver-cert-extra-sans", "|extra subject alternative names of the apiserver's certificate, "
                + "comma-separated IPs or DNS names");
    }

    private CertsMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    /** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        List<String> positional = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help") || a.equals("help")) {
                out.print(usage());
                return 0;
            }
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                err.println("kybernetes certs: flag --" + name + " needs a value");
                return 2;
            }
            if (!FLAGS.containsKey(name)) {
                err.println("kybernetes certs: unknown flag --" + name + "\n\n" + usage());
                return 2;
            }
            values.put(name, value);
        }
        if (positional.isEmpty()) {
            err.print(usage());
            return 2;
        }
        ClusterPki pki;
        try {
            pki = new ClusterPki(options(values), clock, out::println);
        } catch (IllegalArgumentException e) {
            err.println("kybernetes certs: " + e.getMessage());
            return 2;
        }
        try {
            switch (positional.get(0)) {
                case "generate" -> {
                    if (positional.size() != 1) {
                        return badUsage(err, "generate takes no arguments");
                    }
                    pki.generate();
                }
                case "renew" -> {
                    if (positional.size() != 2) {
                        return badUsage(err, "renew takes one argument: " + String.join("|", pki.renewable())
                                + "|all");
                    }
                    pki.renew(positional.get(1));
                    if (positional.get(1).equals("all") || !positional.get(1).endsWith(".conf")) {
                        out.println("\nDone renewing certificates. Restart the components that use them "
                                + "(./kybernetes down && ./kybernetes up) so they read the new ones.");
                    }
                }
                case "check-expiration" -> {
                    if (positional.size() != 1) {
                        return badUsage(err, "check-expiration takes no arguments");
                    }
                    out.print(pki.expirationTables());
                }
                default -> {
                    return badUsage(err, "unknown command \"" + positional.get(0) + "\"");
                }
            }
            return 0;
        } catch (PkiException e) {
            err.println("kybernetes certs: " + e.getMessage());
            return 1;
        }
    }

    private static int badUsage(PrintStream err, String message) {
        err.println("kybernetes certs: " + message + "\n\n" + usage());
        return 2;
    }

    static ClusterPki.Options options(Map<String, String> values) {
        String nodeName = values.getOrDefault("node-name", "");
        String nodeIp = values.getOrDefault("node-ip", "");
        String cidr = values.getOrDefault("service-cidr", "10.96.0.0/12");
        ClusterPki.firstIp(cidr); // a bad CIDR is a usage error before any file is written
        if (!nodeIp.isEmpty() && !CertSpec.isIpLiteral(nodeIp)) {
            throw new IllegalArgumentException("--node-ip=" + nodeIp + " is not an IP address");
        }
        List<String> extra = new ArrayList<>();
        for (String s : values.getOrDefault("apiserver-cert-extra-sans", "").split(",")) {
            if (!s.isBlank()) {
                extra.add(s.trim());
            }
        }
        String server = values.get("server");
        return new ClusterPki.Options(Path.of(values.getOrDefault("dir", "/etc/kybernetes")),
                Path.of(values.getOrDefault("state-dir", "/var/lib/kybernetes")),
                nodeName.isEmpty() ? hostname() : nodeName.toLowerCase(Locale.ROOT),
                nodeIp.isEmpty() ? nodeIp() : nodeIp, server == null || server.isEmpty() ? null : server, cidr,
                extra);
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("""
                kybernetes certs - the cluster's certificates (kubeadm's layout)

                Usage: kybernetes certs <command> [flags]

                Commands:
                  generate           create the CAs, certificates, ServiceAccount key and kubeconfigs that are
                                     missing; keep the valid existing ones; refuse a file that does not chain to
                                     the CA on disk, has expired or lacks a wanted name
                  renew <name>|all   re-sign certificates (and kubeconfigs' embedded ones) with the existing CA,
                                     keeping their subject, names and usages; CAs are not renewed
                  check-expiration   the certificates' and CAs' expiry and residual time

                Flags:
                """);
        FLAGS.forEach((name, spec) -> {
            String[] p = spec.split("\\|", 2);
            sb.append("  --").append(name).append(' ').append(p[1])
                    .append(p[0].isEmpty() ? "" : " (default " + p[0] + ")").append('\n');
        });
        return sb.toString();
    }

    /** The host name as `hostname` prints it, lower case (the kubelet's node name). */
    static String hostname() {
        try {
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                return Files.readString(proc, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
            }
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * The address the default route leaves from (`ip route get` of an outside address; connecting a UDP socket
     * sends nothing), else the first non-loopback IPv4 of an interface that is up.
     */
    static String nodeIp() {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {1, 1, 1, 1}), 53));
            InetAddress a = s.getLocalAddress();
            if (a instanceof Inet4Address && !a.isAnyLocalAddress() && !a.isLoopbackAddress()) {
                return a.getHostAddress();
            }
        } catch (IOException e) {
            // no default route: fall back to the interfaces
        }
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (n.isUp() && !n.isLoopback()) {
                    for (InetAddress a : Collections.list(n.getInetAddresses())) {
                        if (a instanceof Inet4Address) {
                            return a.getHostAddress();
                        }
                    }
                }
            }
        } catch (IOException e) {
            // none: loopback below
        }
        return "127.0.0.1";
    }
}
