package io.kybernetes.proxy.conntrack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.Protocol;
import io.kybernetes.proxy.service.ServicePort;

/**
 * UDP has no connection to end, so conntrack keeps sending a flow to the endpoint it was NATed to (or nowhere).
 * After a sync, as upstream: entries toward an endpoint a UDP Service port no longer uses are deleted, and when a
 * UDP Service port gets its first endpoints, entries toward its cluster IP / node port (black-holed so far) are
 * deleted. Runs the {@code conntrack} tool when it is installed; otherwise does nothing.
 */
public final class ConntrackCleanup {

    private static final Logger LOG = Logger.getLogger(ConntrackCleanup.class);

    private final String binary;
    private final List<String> prefix;

    public ConntrackCleanup(List<String> prefix) {
        this(findBinary(), prefix);
    }

    ConntrackCleanup(String binary, List<String> prefix) {
        this.binary = binary;
        this.prefix = List.copyOf(prefix);
    }

    /** The {@code conntrack} argument lists (without the binary) that clear flows made stale by the change. */
    public static List<List<String>> plan(List<ServicePort> before, List<ServicePort> after) {
        Map<String, ServicePort> old = new HashMap<>();
        for (ServicePort sp : before) {
            if (sp.protocol() == Protocol.UDP) {
                old.put(sp.name().toString(), sp);
            }
        }
        Set<List<String>> out = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ServicePort sp : after) {
            if (sp.protocol() != Protocol.UDP) {
                continue;
            }
            seen.add(sp.name().toString());
            ServicePort was = old.get(sp.name().toString());
            List<Endpoint> now = sp.programmedEndpoints();
            if (was == null) {
                continue;
            }
            if (was.programmedEndpoints().isEmpty() && !now.isEmpty()) {
                for (String ip : destinations(sp)) {
                    out.add(List.of("-D", "-p", "udp", "--orig-dst", ip));
                }
                if (sp.nodePort() > 0) {
                    out.add(List.of("-D", "-p", "udp", "--orig-port-dst", String.valueOf(sp.nodePort())));
                }
            }
            staleEndpoints(was, now, out);
        }
        for (var e : old.entrySet()) {
            if (!seen.contains(e.getKey())) {
                staleEndpoints(e.getValue(), List.of(), out);
            }
        }
        return new ArrayList<>(out);
    }

    private static void staleEndpoints(ServicePort was, List<Endpoint> now, Set<List<String>> out) {
        for (Endpoint ep : was.programmedEndpoints()) {
            if (now.contains(ep)) {
                continue;
            }
            for (String ip : destinations(was)) {
                out.add(List.of("-D", "-p", "udp", "--orig-dst", ip, "--dst-nat", ep.ip()));
            }
            if (was.nodePort() > 0) {
                out.add(List.of("-D", "-p", "udp", "--orig-port-dst", String.valueOf(was.nodePort()), "--dst-nat", ep.ip()));
            }
        }
    }

    private static List<String> destinations(ServicePort sp) {
        List<String> ips = new ArrayList<>();
        ips.add(sp.clusterIp());
        ips.addAll(sp.externalIps());
        ips.addAll(sp.loadBalancerIps());
        return ips;
    }

    /** Runs the plan; "no entry deleted" (exit 1) is normal, and failures are only logged. */
    public void apply(List<ServicePort> before, List<ServicePort> after) {
        if (binary == null) {
            return;
        }
        for (List<String> args : plan(before, after)) {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.add(binary);
            cmd.addAll(args);
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    LOG.warnf("%s timed out", String.join(" ", cmd));
                } else {
                    LOG.debugf("%s exited %d", String.join(" ", cmd), p.exitValue());
                }
            } catch (java.io.IOException e) {
                LOG.warnf("%s failed: %s", String.join(" ", cmd), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String findBinary() {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, "conntrack");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
