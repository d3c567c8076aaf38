package io.kybernetes.kubelet.dns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.kybernetes.kubelet.cri.v1.DNSConfig;

/**
 * The resolv.conf of a pod (as a CRI DNSConfig) from its dnsPolicy and dnsConfig, the cluster DNS servers and domain
 * and the node's own resolv.conf, following upstream's rules.
 */
public final class PodDns {

    /** Upstream's limits on the search list. */
    static final int MAX_SEARCH = 32;

    /** The node's resolver settings, parsed from its resolv.conf. */
    public record HostResolv(List<String> servers, List<String> searches, List<String> options) {

        public static HostResolv parse(String resolvConf) {
            List<String> servers = new ArrayList<>();
            List<String> searches = new ArrayList<>();
            List<String> options = new ArrayList<>();
            for (String raw : resolvConf.split("\n")) {
                String line = raw.replaceAll("[#;].*", "").trim();
                String[] f = line.split("\\s+");
                if (f.length < 2) {
                    continue;
                }
                List<String> rest = List.of(f).subList(1, f.length);
                switch (f[0]) {
                    case "nameserver" -> servers.add(f[1]);
                    case "search", "domain" -> {
                        searches.clear(); // the last search/domain line wins
                        rest.forEach(s -> searches.add(s.replaceAll("\\.$", "")));
                    }
                    case "options" -> options.addAll(rest);
                    default -> { }
                }
            }
            return new HostResolv(servers, searches, options);
        }
    }

    private PodDns() {
    }

    public static String policy(Pod pod) {
        String p = pod.getSpec().getDnsPolicy();
        return p == null || p.isEmpty() ? "ClusterFirst" : p;
    }

    /** The DNS config of the pod's sandbox. */
    public static DNSConfig config(Pod pod, List<String> clusterDns, String clusterDomain, HostResolv host) {
        String policy = policy(pod);
        boolean hostNet = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        boolean cluster = ("ClusterFirst".equals(policy) && !hostNet) || "ClusterFirstWithHostNet".equals(policy);
        if (cluster && clusterDns.isEmpty()) {
            cluster = false; // no cluster DNS configured: upstream falls back to the node's resolver
        }
        List<String> servers = new ArrayList<>();
        LinkedHashSet<String> searches = new LinkedHashSet<>();
        Map<String, String> options = new LinkedHashMap<>();
        if ("None".equals(policy)) {
            // only dnsConfig below
        } else if (cluster) {
            servers.addAll(clusterDns);
            String ns = pod.getMetadata().getNamespace();
            searches.add(ns + ".svc." + clusterDomain);
            searches.add("svc." + clusterDomain);
            searches.add(clusterDomain);
            searches.addAll(host.searches());
            options.put("ndots", "ndots:5");
        } else {
            servers.addAll(host.servers());
            searches.addAll(host.searches());
            host.options().forEach(o -> options.put(optionName(o), o));
        }
        var extra = pod.getSpec().getDnsConfig();
        if (extra != null) {
            if (extra.getNameservers() != null) {
                for (String s : extra.getNameservers()) {
                    if (!servers.contains(s)) {
                        servers.add(s);
                    }
                }
            }
            if (extra.getSearches() != null) {
                searches.addAll(extra.getSearches());
            }
            if (extra.getOptions() != null) {
                for (PodDNSConfigOption o : extra.getOptions()) {
                    String v = o.getValue() == null || o.getValue().isEmpty() ? o.getName() : o.getName() + ":" + o.getValue();
                    options.put(o.getName(), v);
                }
            }
        }
        List<String> search = new ArrayList<>(searches);
        if (search.size() > MAX_SEARCH) {
            search = search.subList(0, MAX_SEARCH);
        }
        return DNSConfig.newBuilder().addAllServers(servers.size() > 3 ? servers.subList(0, 3) : servers)
                .addAllSearches(search).addAllOptions(options.values()).build();
    }

    private static String optionName(String option) {
        int colon = option.indexOf(':');
        return colon < 0 ? option : option.substring(0, colon);
    }
}
