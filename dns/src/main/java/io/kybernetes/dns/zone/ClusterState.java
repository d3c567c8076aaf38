package io.kybernetes.dns.zone;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TextParseException;

/**
 * An immutable snapshot of the Services the zone answers for, indexed for the lookups a query needs: by namespace and
 * name (lower case), and by reverse name (PTR) for cluster IPs and endpoint IPs. Built once per change of the API
 * objects, read by any number of queries without locks.
 */
public final class ClusterState {

    public static final ClusterState EMPTY = new ClusterState(List.of(), Name.root);

    private final Map<String, Map<String, ServiceRecord>> byNamespace;
    private final Map<Name, List<Name>> reverse;
    private final int services;

    /** {@code zone} is the cluster domain; PTR targets are names under it. */
    public ClusterState(Collection<ServiceRecord> records, Name zone) {
        Map<String, Map<String, ServiceRecord>> ns = new HashMap<>();
        Map<Name, TreeSet<String>> rev = new HashMap<>();
        for (ServiceRecord s : records) {
            ns.computeIfAbsent(s.namespace().toLowerCase(), k -> new HashMap<>()).put(s.name().toLowerCase(), s);
            String base = s.name().toLowerCase() + "." + s.namespace().toLowerCase() + ".svc";
            if (s.kind() == ServiceRecord.Kind.CLUSTER_IP) {
                for (String ip : s.clusterIps()) {
                    addReverse(rev, ip, base);
                }
            }
            if (s.kind() != ServiceRecord.Kind.EXTERNAL_NAME) {
                for (Endpoint e : s.published()) {
                    addReverse(rev, e.ip(), e.label() + "." + base);
                }
            }
        }
        Map<Name, List<Name>> reverse = new HashMap<>();
        rev.forEach((ptr, targets) -> {
            List<Name> names = new ArrayList<>();
            for (String t : targets) {
                try {
                    names.add(Name.fromString(t, zone));
                } catch (TextParseException e) {
                    // a Service name is a DNS label, so this cannot happen; skip rather than fail the snapshot
                }
            }
            reverse.put(ptr, List.copyOf(names));
        });
        ns.replaceAll((k, v) -> Map.copyOf(v));
        this.byNamespace = Map.copyOf(ns);
        this.reverse = Map.copyOf(reverse);
        this.services = records.size();
    }

    private static void addReverse(Map<Name, TreeSet<String>> rev, String ip, String target) {
        try {
            Name ptr = ReverseMap.fromAddress(Address.getByAddress(ip));
            rev.computeIfAbsent(ptr, k -> new TreeSet<>()).add(target);
        } catch (java.net.UnknownHostException e) {
            // not an IP literal (e.g. "None"): no PTR
        }
    }

    public ServiceRecord service(String namespace, String name) {
        Map<String, ServiceRecord> in = byNamespace.get(namespace);
        return in == null ? null : in.get(name);
    }

    public boolean hasNamespace(String namespace) {
        return byNamespace.containsKey(namespace);
    }

    /** PTR targets of a reverse name ({@code d.c.b.a.in-addr.arpa.}), empty when the IP is not the cluster's. */
    public List<Name> pointers(Name reverseName) {
        return reverse.getOrDefault(reverseName, Collections.emptyList());
    }

    public int size() {
        return services;
    }
}
