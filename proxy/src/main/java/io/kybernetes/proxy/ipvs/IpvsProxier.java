package io.kybernetes.proxy.ipvs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kybernetes.proxy.Proxier;
import io.kybernetes.proxy.exec.HostCommand;
import io.kybernetes.proxy.service.ServicePort;

/**
 * The IPVS mode: virtual services per destination, real servers per endpoint, destination addresses bound to the
 * dummy interface {@code kube-ipvs0}; each sync applies only the difference from the last successful one (all of
 * it the first time, after flushing what a previous run left). Needs the ip_vs kernel module and {@code ipvsadm};
 * masquerading for off-cluster clients (upstream's ipset + iptables companion rules) is not implemented.
 */
public final class IpvsProxier implements Proxier {

    private final HostCommand host;
    private final List<String> nodeIps;
    private IpvsState written;

    public IpvsProxier(HostCommand host, List<String> nodeIps) {
        this.host = host;
        this.nodeIps = List.copyOf(nodeIps);
    }

    /** Null when the kernel has IPVS, else why the mode cannot run. */
    public static String unavailable() {
        return Files.exists(Path.of("/proc/net/ip_vs")) ? null
                : "--proxy-mode=ipvs needs the ip_vs kernel module, which this kernel does not have";
    }

    @Override
    public synchronized void sync(List<ServicePort> ports, boolean full) throws HostCommand.Failure {
        IpvsState desired = IpvsPlanner.desired(ports, nodeIps);
        IpvsState current = written;
        if (current == null || full) {
            host.run(List.of("ipvsadm", "--clear"), null);
            host.run(List.of("sh", "-c", "ip link add " + IpvsCommands.DUMMY_INTERFACE + " type dummy 2>/dev/null; ip addr flush dev "
                    + IpvsCommands.DUMMY_INTERFACE), null);
            current = new IpvsState(new TreeMap<>(), new HashMap<>(), new TreeSet<>());
        }
        written = null;
        List<IpvsOp> ops = IpvsPlanner.diff(current, desired);
        for (List<String> c : IpvsCommands.addressCommands(ops)) {
            host.run(c, null);
        }
        String restore = IpvsCommands.restoreInput(ops);
        if (!restore.isEmpty()) {
            host.run(List.of("ipvsadm", "--restore"), restore);
        }
        written = desired;
    }

    @Override
    public synchronized void cleanup() throws HostCommand.Failure {
        written = null;
        if (unavailable() == null) {
            host.run(List.of("ipvsadm", "--clear"), null);
        }
        host.run(List.of("sh", "-c", "ip link del " + IpvsCommands.DUMMY_INTERFACE + " 2>/dev/null || true"), null);
    }
}
