package io.kybernetes.proxy.ipvs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.kybernetes.proxy.service.Endpoint;
import io.kybernetes.proxy.service.ServicePort;

/**
 * Pure functions of the IPVS mode: the desired state for the Service ports (a virtual service per cluster IP,
 * external IP, load balancer IP and node port x node address, round robin, persistence for ClientIP affinity;
 * real servers chosen by the same traffic policies as the other modes), and the ordered operations that turn one
 * state into another.
 */
public final class IpvsPlanner {

    public static final String SCHEDULER = "rr";

    private IpvsPlanner() {
    }

    public static IpvsState desired(List<ServicePort> ports, List<String> nodeIps) {
        TreeMap<String, VirtualServer> services = new TreeMap<>();
        Map<String, SortedSet<RealServer>> reals = new HashMap<>();
        Set<String> bound = new TreeSet<>();
        for (ServicePort sp : ports) {
            String p = sp.protocol().lower();
            add(services, reals, new VirtualServer(sp.clusterIp(), p, sp.port(), SCHEDULER, sp.affinitySeconds()),
                    sp.internalEndpoints());
            bound.add(sp.clusterIp());
            List<String> external = new ArrayList<>(sp.externalIps());
            external.addAll(sp.loadBalancerIps());
            for (String ip : external) {
                add(services, reals, new VirtualServer(ip, p, sp.port(), SCHEDULER, sp.affinitySeconds()), sp.externalEndpoints());
                bound.add(ip);
            }
            if (sp.nodePort() > 0) {
                for (String ip : nodeIps) {
                    add(services, reals, new VirtualServer(ip, p, sp.nodePort(), SCHEDULER, sp.affinitySeconds()),
                            sp.externalEndpoints());
                }
            }
        }
        return new IpvsState(services, reals, bound);
    }

    private static void add(TreeMap<String, VirtualServer> services, Map<String, SortedSet<RealServer>> reals,
            VirtualServer vs, List<Endpoint> endpoints) {
        services.put(vs.key(), vs);
        SortedSet<RealServer> rs = reals.computeIfAbsent(vs.key(), k -> new TreeSet<>());
        for (Endpoint e : endpoints) {
            rs.add(new RealServer(e.ip(), e.port(), 1));
        }
    }

    /** Bind addresses, create/edit services, add then delete real servers, delete services, unbind addresses. */
    public static List<IpvsOp> diff(IpvsState current, IpvsState desired) {
        List<IpvsOp> ops = new ArrayList<>();
        for (String a : desired.boundAddresses()) {
            if (!current.boundAddresses().contains(a)) {
                ops.add(new IpvsOp.BindAddress(a));
            }
        }
        for (var e : desired.services().entrySet()) {
            VirtualServer was = current.services().get(e.getKey());
            if (was == null) {
                ops.add(new IpvsOp.AddService(e.getValue()));
            } else if (!was.equals(e.getValue())) {
                ops.add(new IpvsOp.EditService(e.getValue()));
            }
        }
        List<IpvsOp> deletes = new ArrayList<>();
        for (var e : desired.services().entrySet()) {
            Set<RealServer> now = desired.realServers().getOrDefault(e.getKey(), new TreeSet<>());
            Set<RealServer> was = current.realServers().getOrDefault(e.getKey(), new TreeSet<>());
            for (RealServer r : now) {
                if (!was.contains(r)) {
                    ops.add(new IpvsOp.AddRealServer(e.getValue(), r));
                }
            }
            for (RealServer r : was) {
                if (!now.contains(r)) {
                    deletes.add(new IpvsOp.DeleteRealServer(e.getValue(), r));
                }
            }
        }
        ops.addAll(deletes);
        for (var e : current.services().entrySet()) {
            if (!desired.services().containsKey(e.getKey())) {
                ops.add(new IpvsOp.DeleteService(e.getValue()));
            }
        }
        Set<String> unbind = new LinkedHashSet<>(current.boundAddresses());
        unbind.removeAll(desired.boundAddresses());
        unbind.forEach(a -> ops.add(new IpvsOp.UnbindAddress(a)));
        return ops;
    }
}
