package io.kybernetes.proxy.ipvs;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders operations as {@code ipvsadm --restore} lines and {@code ip addr} commands on the dummy interface
 * (kube-ipvs0, as upstream). Pure, so the exact kernel operations are unit-tested without the IPVS module.
 */
public final class IpvsCommands {

    public static final String DUMMY_INTERFACE = "kube-ipvs0";

    private IpvsCommands() {
    }

    /** The {@code ipvsadm --restore} input for the IPVS operations of {@code ops} (address binds are separate). */
    public static String restoreInput(List<IpvsOp> ops) {
        StringBuilder out = new StringBuilder();
        for (IpvsOp op : ops) {
            if (op instanceof IpvsOp.AddService a) {
                out.append(service("-A", a.service())).append('\n');
            } else if (op instanceof IpvsOp.EditService e) {
                out.append(service("-E", e.service())).append('\n');
            } else if (op instanceof IpvsOp.DeleteService d) {
                out.append("-D ").append(d.service().serviceFlag()).append(' ').append(addr(d.service())).append('\n');
            } else if (op instanceof IpvsOp.AddRealServer r) {
                out.append("-a ").append(r.service().serviceFlag()).append(' ').append(addr(r.service())).append(" -r ")
                        .append(r.real().address()).append(':').append(r.real().port()).append(" -m -w ")
                        .append(r.real().weight()).append('\n');
            } else if (op instanceof IpvsOp.DeleteRealServer r) {
                out.append("-d ").append(r.service().serviceFlag()).append(' ').append(addr(r.service())).append(" -r ")
                        .append(r.real().address()).append(':').append(r.real().port()).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code ip addr add|del ADDR/32 dev kube-ipvs0} per bind operation, in order. */
    public static List<List<String>> addressCommands(List<IpvsOp> ops) {
        List<List<String>> out = new ArrayList<>();
        for (IpvsOp op : ops) {
            if (op instanceof IpvsOp.BindAddress b) {
                out.add(List.of("ip", "addr", "add", b.address() + "/32", "dev", DUMMY_INTERFACE));
            } else if (op instanceof IpvsOp.UnbindAddress u) {
                out.add(List.of("ip", "addr", "del", u.address() + "/32", "dev", DUMMY_INTERFACE));
            }
        }
        return out;
    }

    private static String service(String verb, VirtualServer vs) {
        return verb + " " + vs.serviceFlag() + " " + addr(vs) + " -s " + vs.scheduler()
                + (vs.persistenceSeconds() > 0 ? " -p " + vs.persistenceSeconds() : "");
    }

    private static String addr(VirtualServer vs) {
        return vs.address() + ":" + vs.port();
    }
}
