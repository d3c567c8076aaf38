package io.kybernetes.proxy.overlay;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.kybernetes.proxy.exec.HostCommand;

/**
 * Level-triggered reconciler of the VXLAN overlay on this node (flannel's vxlan backend design): given every Node,
 * it makes sure this node's VTEP exists with this node's pod CIDR network address, publishes the VTEP's MAC and this
 * node's public IP (its InternalIP) as flannel's annotations on its own Node, and programs a route, a neighbour and an
 * FDB entry for every other node that has published its own; entries of nodes that went away are removed.
 * Kernel state is kept when the process exits, as flannel does: traffic keeps flowing while the agent restarts.
 */
public final class OverlayAgent {

    private static final Logger LOG = Logger.getLogger(OverlayAgent.class);

    /** Runs one command; returns stdout. */
    public interface Shell {
        String run(List<String> command) throws HostCommand.Failure;
    }

    /** Merges annotations into a Node's metadata. */
    public interface Annotator {
        void annotate(String node, Map<String, String> annotations) throws Exception;
    }

    private final String nodeName;
    private final OverlayCommands commands;
    private final Shell shell;
    private final Annotator annotator;
    /** What this agent programmed, by node name. */
    private final Map<String, VxlanPeer> programmed = new TreeMap<>();
    private String deviceFor;
    private String mac;
    private boolean firstSync = true;

    public OverlayAgent(String nodeName, OverlayCommands commands, Shell shell, Annotator annotator) {
        this.nodeName = nodeName;
        this.commands = commands;
        this.shell = shell;
        this.annotator = annotator;
    }

    /** The peers programmed now (for tests and status). */
    public Map<String, VxlanPeer> programmed() {
        return Map.copyOf(programmed);
    }

    /**
     * One pass over {@code nodes}; {@code full} re-issues every (idempotent) command, as a periodic resync.
     * False when something failed (the caller retries).
     */
    public boolean sync(Collection<Node> nodes, boolean full) {
        Node self = nodes.stream().filter(n -> nodeName.equals(n.getMetadata().getName())).findFirst().orElse(null);
        String podCidr = self == null || self.getSpec() == null ? null : self.getSpec().getPodCIDR();
        String localIp = self == null ? null : internalIp(self);
        if (podCidr == null || !podCidr.contains("/") || localIp == null) {
            LOG.debugf("node %s has no pod CIDR or InternalIP yet; overlay waits", nodeName);
            return true;
        }
        try {
            String wanted = localIp + " " + podCidr;
            if (full || !wanted.equals(deviceFor)) {
                ensureDevice(localIp, podCidr);
                deviceFor = wanted;
            }
            publish(self, localIp);
        } catch (Exception e) {
            LOG.warnf("overlay device %s on node %s: %s", commands.device(), nodeName, e.getMessage());
            deviceFor = null;
            return false;
        }

        Map<String, VxlanPeer> desired = new LinkedHashMap<>();
        for (Node n : nodes) {
            if (!nodeName.equals(n.getMetadata().getName())) {
                VxlanPeer.of(n).ifPresent(p -> desired.put(p.node(), p));
            }
        }
        boolean ok = true;
        if (firstSync) {
            ok &= removeStaleRoutes(desired);
        }
        for (VxlanPeer gone : List.copyOf(programmed.values())) {
            if (!desired.containsKey(gone.node())) {
                runIgnoringMissing(commands.remove(gone));
                programmed.remove(gone.node());
                LOG.infof("overlay: node %s removed (%s)", gone.node(), gone.podCidr());
            }
        }
        for (VxlanPeer p : desired.values()) {
            VxlanPeer was = programmed.get(p.node());
            List<List<String>> cmds;
            if (was == null) {
                cmds = commands.add(p);
            } else if (!was.equals(p)) {
                cmds = commands.update(was, p);
            } else {
                cmds = full ? commands.add(p) : List.of();
            }
            try {
                for (List<String> c : cmds) {
                    if (c.get(2).equals("del")) {
                        runIgnoringMissing(List.of(c));
                    } else {
                        shell.run(c);
                    }
                }
                if (!p.equals(was)) {
                    LOG.infof("overlay: node %s: %s via %s (VTEP %s at %s)", p.node(), p.podCidr(), commands.device(),
                            p.vtepMac(), p.publicIp());
                }
                programmed.put(p.node(), p);
            } catch (HostCommand.Failure e) {
                LOG.warnf("overlay: programming node %s failed: %s", p.node(), e.getMessage());
                ok = false;
            }
        }
        firstSync = !ok && firstSync;
        return ok;
    }

    private void ensureDevice(String localIp, String podCidr) throws HostCommand.Failure {
        String details = show();
        boolean exists = details != null;
        if (exists && !OverlayCommands.sameVxlan(details, localIp)) {
            LOG.infof("overlay: %s exists with other settings; recreating it (local %s)", commands.device(), localIp);
            run(commands.deleteDevice());
            programmed.clear();
            firstSync = true;
            exists = false;
        }
        // a pod CIDR that changed leaves its old address on the device: start from a fresh device
        if (exists && deviceFor != null && !deviceFor.endsWith(" " + podCidr)) {
            run(commands.deleteDevice());
            programmed.clear();
            exists = false;
        }
        run(commands.device(exists, localIp, podCidr));
        String link = shell.run(List.of("ip", "-o", "link", "show", "dev", commands.device()));
        mac = OverlayCommands.macOf(link);
        if (mac == null) {
            throw new HostCommand.Failure("no MAC address in: " + link.strip(), null);
        }
        if (!exists) {
            LOG.infof("overlay: %s up (VNI %d, UDP %d, local %s, address %s, MAC %s)", commands.device(),
                    OverlayCommands.VNI, OverlayCommands.PORT, localIp, podCidr.substring(0, podCidr.indexOf('/')), mac);
        }
    }

    /** {@code ip -d -o link show} of the device, or null when it does not exist. */
    private String show() {
        try {
            return shell.run(List.of("ip", "-d", "-o", "link", "show", "dev", commands.device()));
        } catch (HostCommand.Failure e) {
            return null;
        }
    }

    /** Our annotations on our own Node, written only when they differ. */
    private void publish(Node self, String localIp) throws Exception {
        Map<String, String> want = new LinkedHashMap<>();
        want.put(VxlanPeer.BACKEND_TYPE, "vxlan");
        want.put(VxlanPeer.BACKEND_DATA, VxlanPeer.backendData(OverlayCommands.VNI, mac));
        want.put(VxlanPeer.PUBLIC_IP, localIp);
        Map<String, String> have = Optional.ofNullable(self.getMetadata().getAnnotations()).orElse(Map.of());
        Map<String, String> diff = new HashMap<>();
        want.forEach((k, v) -> {
            if (!v.equals(have.get(k))) {
                diff.put(k, v);
            }
        });
        if (!diff.isEmpty()) {
            annotator.annotate(nodeName, want);
            LOG.infof("overlay: published VTEP %s, public IP %s on node %s", mac, localIp, nodeName);
        }
    }

    /** After a restart: routes over the device to pod CIDRs no node has any more. */
    private boolean removeStaleRoutes(Map<String, VxlanPeer> desired) {
        try {
            String routes = shell.run(List.of("ip", "-o", "route", "show", "dev", commands.device()));
            for (String cidr : OverlayCommands.routedCidrs(routes)) {
                if (desired.values().stream().noneMatch(p -> p.podCidr().equals(cidr))) {
                    runIgnoringMissing(List.of(List.of("ip", "route", "del", cidr, "dev", commands.device())));
                    LOG.infof("overlay: removed stale route %s", cidr);
                }
            }
            return true;
        } catch (HostCommand.Failure e) {
            LOG.warnf("overlay: listing routes on %s failed: %s", commands.device(), e.getMessage());
            return false;
        }
    }

    private void run(List<List<String>> cmds) throws HostCommand.Failure {
        for (List<String> c : cmds) {
            shell.run(c);
        }
    }

    /** Deletions of entries that are already gone are not failures. */
    private void runIgnoringMissing(List<List<String>> cmds) {
        for (List<String> c : cmds) {
            try {
                shell.run(c);
            } catch (HostCommand.Failure e) {
                LOG.debugf("overlay: %s: %s", String.join(" ", c), e.getMessage());
            }
        }
    }

    static String internalIp(Node n) {
        if (n.getStatus() == null || n.getStatus().getAddresses() == null) {
            return null;
        }
        return n.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress).filter(a -> a != null && a.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))
                .findFirst().orElse(null);
    }
}
