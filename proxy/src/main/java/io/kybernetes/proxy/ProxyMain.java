package io.kybernetes.proxy;

import java.util.List;
import java.util.Map;

import io.kybernetes.launcher.Flag;
import io.kybernetes.proxy.exec.HostCommand;
import io.kybernetes.proxy.iptables.ExecIptables;
import io.kybernetes.launcher.Launcher;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class ProxyMain {

    static final List<Flag> FLAGS = List.of(
            new Flag("kubeconfig", "/etc/kybernetes/admin.conf", "kubeconfig file with the API server's address"),
            new Flag("cluster-cidr", "10.244.0.0/16", "pod CIDR; traffic to a ClusterIP from outside it is masqueraded"),
            new Flag("proxy-mode", "iptables", "which proxy mode to use: iptables, nftables or ipvs (needs the ip_vs kernel module)"),
            new Flag("hostname-override", null, "this node's name (endpoints with this nodeName are local); default: hostname"),
            new Flag("nodeport-addresses", null, "comma-separated CIDRs; node ports answer only on local addresses within them "
                    + "(default: every local address)"),
            new Flag("healthz-bind-address", "127.0.0.1:10256", "IP:port for /healthz, /livez, /readyz and /metrics"),
            new Flag("sync-period", "30s", "period of the full resync of the rules"),
            Flag.of("iptables-min-sync-period", "1s", "minimum interval between syncs (bursts coalesce)",
                    "kybernetes.min-sync-period"),
            new Flag("iptables-masquerade-bit", "14", "fwmark bit that flags packets to masquerade (0-31)"),
            new Flag("iptables-backend", null, "iptables mode: nft (iptables-nft) or legacy (iptables-legacy, x_tables; "
                    + "far faster restores of large rulesets); default: the host's iptables"),
            new Flag("overlay", "none", "pod network overlay this proxy programs from the Node objects: vxlan "
                    + "(flannel's vxlan backend: device kyb.1, VNI 1, UDP 8472) or none"),
            new Flag("cleanup", null, "remove every rule and chain the proxy created, then exit"));

    public static void main(String... args) {
        Launcher launcher = new Launcher("kybernetes-proxy",
                "programs Service cluster IPs into the node's packet filter", FLAGS);
        Map<String, String> props;
        try {
            props = launcher.parse(args);
        } catch (RuntimeException e) {
            launcher.run(args); // prints help or the flag error and exits
            return;
        }
        if (Boolean.parseBoolean(props.getOrDefault("kybernetes.cleanup", "false"))) {
            System.exit(cleanup(props));
        }
        String problem = Proxiers.check(props.get("kybernetes.proxy-mode"));
        if (problem == null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(props.get("kybernetes.kubeconfig")))) {
            problem = "cannot read --kubeconfig " + props.get("kybernetes.kubeconfig");
        }
        if (problem == null) {
            problem = backendProblem(props.get("kybernetes.iptables-backend"));
        }
        String overlay = props.getOrDefault("kybernetes.overlay", "none");
        if (problem == null && !overlay.equals("none") && !overlay.equals("vxlan")) {
            problem = "unsupported --overlay \"" + overlay + "\" (supported: vxlan, none)";
        }
        String nodePortAddresses = props.get("kybernetes.nodeport-addresses");
        if (problem == null && nodePortAddresses != null && !nodePortAddresses.isBlank()) {
            try {
                if (io.kybernetes.proxy.node.NodeAddresses.matching(List.of(nodePortAddresses.split(","))).isEmpty()) {
                    problem = "no local IPv4 address within --nodeport-addresses " + nodePortAddresses;
                }
            } catch (RuntimeException e) {
                problem = "bad --nodeport-addresses " + nodePortAddresses + ": " + e.getMessage();
            }
        }
        if (problem != null) {
            System.err.println("kybernetes-proxy: " + problem);
            System.exit(1);
        }
        String bind = props.get("kybernetes.healthz-bind-address");
        int colon = bind.lastIndexOf(':');
        if (colon <= 0 || !bind.substring(colon + 1).matches("\\d{1,5}")) {
            System.err.println("kybernetes-proxy: --healthz-bind-address must be IP:port, got \"" + bind + "\"");
            System.exit(2);
        }
        System.setProperty("quarkus.http.host", bind.substring(0, colon).replace("[", "").replace("]", ""));
        System.setProperty("quarkus.http.port", bind.substring(colon + 1));
        launcher.run(args);
    }

    /** Null when {@code --iptables-backend} names a backend whose binaries are installed, else why not. */
    static String backendProblem(String value) {
        ExecIptables.Backend backend;
        try {
            backend = ExecIptables.Backend.parse(value);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        String restore = backend.binary() + "-restore";
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, restore))) {
                return null;
            }
        }
        return "--iptables-backend " + value + ": " + restore + " is not installed";
    }

    /**
     * {@code --cleanup}: runs without starting the service (a running proxy may still hold the port). In iptables
     * mode without {@code --iptables-backend} it also cleans the legacy backend when that has tables in use, so that
     * a cluster run with either backend leaves no rules behind.
     */
    public static int cleanup(Map<String, String> props) {
        String mode = props.getOrDefault("kybernetes.proxy-mode", "iptables");
        String prefix = props.getOrDefault("kybernetes.chain-prefix", System.getProperty("kybernetes.chain-prefix", "KUBE"));
        HostCommand host = HostCommand.withPrefix(props.getOrDefault("kybernetes.exec-prefix", ""));
        try {
            String backendFlag = props.get("kybernetes.iptables-backend");
            ExecIptables.Backend backend = ExecIptables.Backend.parse(backendFlag);
            Proxiers.forMode(mode, prefix, null, 14, List.of(), host, backend).cleanup();
            if (mode.equals("iptables") && (backendFlag == null || backendFlag.isBlank()) && legacyTablesInUse(host)) {
                Proxiers.forMode(mode, prefix, null, 14, List.of(), host, ExecIptables.Backend.LEGACY).cleanup();
            }
            System.out.println("kybernetes-proxy: removed the " + mode + " rules and chains (" + prefix + "-*)");
            return 0;
        } catch (Exception e) {
            System.err.println("kybernetes-proxy: cleanup failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Whether x_tables has tables registered in the command's network namespace (read through the command, so an
     * exec prefix such as {@code ip netns exec} applies); an empty list means no legacy rules, and asking
     * {@code iptables-legacy-save} would register tables just to find none.
     */
    static boolean legacyTablesInUse(HostCommand host) {
        try {
            return !host.run(List.of("cat", "/proc/net/ip_tables_names"), null).isBlank();
        } catch (Exception e) {
            return false;
        }
    }
}
