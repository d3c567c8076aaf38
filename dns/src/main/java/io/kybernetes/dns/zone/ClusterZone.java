package io.kybernetes.dns.zone;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The records of the Kubernetes DNS-based service discovery specification (schema 1.1.0) for one cluster domain,
 * computed per query from a {@link ClusterState}. Pure: no I/O, so every record kind is unit-tested on an in-memory
 * state. A query costs a few hash lookups on its labels, so the misses of search-path expansion
 * ({@code name.ns.svc.cluster.local}, ndots:5) are as cheap as hits.
 */
public final class ClusterZone {

    public static final String SCHEMA_VERSION = "1.1.0";

    private static final Name IN_ADDR_ARPA = Name.fromConstantString("in-addr.arpa.");
    private static final Name IP6_ARPA = Name.fromConstantString("ip6.arpa.");

    private final Name zone;
    private final long ttl;
    private final SOARecord soa;
    private final Name nameserver;

    public ClusterZone(String domain, long ttl) {
        try {
            this.zone = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
            this.nameserver = Name.fromString("ns.dns", zone);
            Name admin = Name.fromString("hostmaster", zone);
            // serial: seconds since the epoch at start, as CoreDNS does; refresh/retry/expire as CoreDNS's defaults
            this.soa = new SOARecord(zone, DClass.IN, ttl, nameserver, admin, System.currentTimeMillis() / 1000,
                    7200, 1800, 86400, ttl);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad cluster domain \"" + domain + "\": " + e.getMessage(), e);
        }
        this.ttl = ttl;
    }

    public Name zone() {
        return zone;
    }

    /**
     * The answer for {@code qname}/{@code qtype}, or null when the name is not the zone's to answer: outside the
     * cluster domain, or a reverse name of an IP that is no Service's nor endpoint's (those are forwarded, as
     * CoreDNS's {@code fallthrough in-addr.arpa ip6.arpa}).
     */
    public ZoneAnswer answer(ClusterState state, Name qname, int qtype) {
        if (qname.subdomain(zone)) {
            return inZone(state, qname, qtype);
        }
        if (qname.subdomain(IN_ADDR_ARPA) || qname.subdomain(IP6_ARPA)) {
            List<Name> targets = state.pointers(qname);
            if (targets.isEmpty()) {
                return null;
            }
            if (qtype != Type.PTR && qtype != Type.ANY) {
                return new ZoneAnswer(Rcode.NOERROR, List.of(), List.of(), List.of());
            }
            List<Record> answers = new ArrayList<>();
            for (Name t : targets) {
                answers.add(new PTRRecord(qname, DClass.IN, ttl, t));
            }
            return ZoneAnswer.of(answers, List.of());
        }
        return null;
    }

    private ZoneAnswer inZone(ClusterState state, Name qname, int qtype) {
        int n = qname.labels() - zone.labels();
        String[] l = new String[n];
        for (int i = 0; i < n; i++) {
            l[i] = qname.getLabelString(i).toLowerCase();
        }
        if (n == 0) {
            if (qtype == Type.SOA) {
                return ZoneAnswer.of(List.of(soaFor(qname)), List.of());
            }
            if (qtype == Type.NS) {
                return ZoneAnswer.of(List.of(new NSRecord(qname, DClass.IN, ttl, nameserver)), List.of());
            }
            return nodata();
        }
        String kind = l[n - 1];
        if (n == 1) {
            if (kind.equals("dns-version")) {
                return qtype == Type.TXT || qtype == Type.ANY
                        ? ZoneAnswer.of(List.of(new TXTRecord(qname, DClass.IN, ttl, SCHEMA_VERSION)), List.of())
                        : nodata();
            }
            if (kind.equals("svc") || kind.equals("pod") || kind.equals("dns")) {
                return nodata();
            }
            return nxdomain();
        }
        if (n == 2 && kind.equals("dns") && l[0].equals("ns")) {
            return nodata(); // the SOA's name server; it has no address of its own here
        }
        if (kind.equals("svc")) {
            return service(state, qname, qtype, l, n);
        }
        if (kind.equals("pod") && n == 3) {
            return pod(qname, qtype, l[0]);
        }
        if (kind.equals("pod") && n == 2) {
            return nodata(); // a namespace under pod: exists for any pod IP
        }
        return nxdomain();
    }

    private ZoneAnswer service(ClusterState state, Name qname, int qtype, String[] l, int n) {
        String ns = l[n - 2];
        if (n == 2) {
            return state.hasNamespace(ns) ? nodata() : nxdomain();
        }
        ServiceRecord svc = state.service(ns, l[n - 3]);
        if (svc == null) {
            return nxdomain();
        }
        if (n == 3) {
            return serviceName(svc, qname, qtype);
        }
        if (n == 4) {
            return endpointName(svc, qname, qtype, l[0]);
        }
        if (n == 5 && l[0].startsWith("_") && l[1].startsWith("_")) {
            return srv(svc, qname, qtype, l[0].substring(1), l[1].substring(1));
        }
        return nxdomain();
    }

    /** {@code <svc>.<ns>.svc.<zone>}: the cluster IPs, the ready endpoints of a headless Service, or a CNAME. */
    private ZoneAnswer serviceName(ServiceRecord svc, Name qname, int qtype) {
        switch (svc.kind()) {
            case EXTERNAL_NAME: {
                Name target;
                try {
                    target = Name.fromString(svc.externalName().endsWith(".") ? svc.externalName()
                            : svc.externalName() + ".");
                } catch (TextParseException | NullPointerException e) {
                    return nodata();
                }
                return ZoneAnswer.of(List.of(new CNAMERecord(qname, DClass.IN, ttl, target)), List.of());
            }
            case CLUSTER_IP: {
                if (qtype == Type.SRV) {
                    return srvAll(svc, qname);
                }
                List<Record> answers = new ArrayList<>();
                for (String ip : svc.clusterIps()) {
                    addAddress(answers, qname, qtype, ip);
                }
                return answers.isEmpty() ? nodata() : ZoneAnswer.of(answers, List.of());
            }
            default: {
                if (svc.published().isEmpty()) {
                    return nxdomain(); // the specification: a headless Service without ready endpoints is NXDOMAIN
                }
                if (qtype == Type.SRV) {
                    return srvAll(svc, qname);
                }
                List<Record> answers = new ArrayList<>();
                List<String> seen = new ArrayList<>();
                for (Endpoint e : svc.published()) {
                    if (!seen.contains(e.ip())) {
                        seen.add(e.ip());
                        addAddress(answers, qname, qtype, e.ip());
                    }
                }
                return answers.isEmpty() ? nodata() : ZoneAnswer.of(answers, List.of());
            }
        }
    }

    /** {@code <hostname>.<svc>.<ns>.svc.<zone>}: one endpoint of a headless Service. */
    private ZoneAnswer endpointName(ServiceRecord svc, Name qname, int qtype, String label) {
        if (svc.kind() != ServiceRecord.Kind.HEADLESS) {
            return nxdomain();
        }
        List<Record> answers = new ArrayList<>();
        boolean found = false;
        for (Endpoint e : svc.published()) {
            if (e.label().equals(label)) {
                found = true;
                addAddress(answers, qname, qtype, e.ip());
            }
        }
        if (!found) {
            return nxdomain();
        }
        return answers.isEmpty() ? nodata() : ZoneAnswer.of(answers, List.of());
    }

    /** {@code _<port>._<proto>.<svc>.<ns>.svc.<zone>}: SRV for a named port. */
    private ZoneAnswer srv(ServiceRecord svc, Name qname, int qtype, String portName, String proto) {
        List<Record> answers = new ArrayList<>();
        List<Record> additional = new ArrayList<>();
        boolean exists = srvRecords(svc, qname, portName, proto, answers, additional);
        if (!exists) {
            return nxdomain();
        }
        if (qtype != Type.SRV && qtype != Type.ANY) {
            return nodata();
        }
        return answers.isEmpty() ? nodata() : ZoneAnswer.of(answers, additional);
    }

    /** SRV asked of the Service's own name: one record set per named port, as CoreDNS does. */
    private ZoneAnswer srvAll(ServiceRecord svc, Name qname) {
        List<Record> answers = new ArrayList<>();
        List<Record> additional = new ArrayList<>();
        srvRecords(svc, qname, null, null, answers, additional);
        return answers.isEmpty() ? nodata() : ZoneAnswer.of(answers, additional);
    }

    /** Adds the SRV records of matching named ports; true if a port matched (the name exists). */
    private boolean srvRecords(ServiceRecord svc, Name qname, String portName, String proto, List<Record> answers,
            List<Record> additional) {
        Name svcName = svcName(svc);
        boolean exists = false;
        if (svc.kind() == ServiceRecord.Kind.HEADLESS) {
            List<Endpoint> eps = svc.published();
            List<Record> found = new ArrayList<>();
            for (Endpoint e : eps) {
                for (ServicePort p : e.ports()) {
                    if (matches(p, portName, proto)) {
                        exists = true;
                        Name target = child(e.label(), svcName);
                        found.add(new SRVRecord(qname, DClass.IN, ttl, 0, 0, p.port(), target));
                        addAddress(additional, target, Type.ANY, e.ip());
                    }
                }
            }
            int weight = found.isEmpty() ? 0 : Math.max(1, 100 / found.size());
            for (Record r : found) {
                SRVRecord s = (SRVRecord) r;
                answers.add(new SRVRecord(qname, DClass.IN, ttl, 0, weight, s.getPort(), s.getTarget()));
            }
            return exists;
        }
        if (svc.kind() == ServiceRecord.Kind.CLUSTER_IP) {
            for (ServicePort p : svc.ports()) {
                if (matches(p, portName, proto)) {
                    exists = true;
                    answers.add(new SRVRecord(qname, DClass.IN, ttl, 0, 100, p.port(), svcName));
                }
            }
            if (exists) {
                for (String ip : svc.clusterIps()) {
                    addAddress(additional, svcName, Type.ANY, ip);
                }
            }
        }
        return exists;
    }

    private static boolean matches(ServicePort p, String portName, String proto) {
        if (p.name() == null || p.name().isEmpty()) {
            return false;
        }
        return portName == null || (p.name().equalsIgnoreCase(portName) && p.protocol().equalsIgnoreCase(proto));
    }

    /** {@code a-b-c-d.<ns>.pod.<zone>}: the IP in the first label ("pods insecure", as kubeadm's CoreDNS). */
    private ZoneAnswer pod(Name qname, int qtype, String label) {
        InetAddress ip = podIp(label);
        if (ip == null) {
            return nxdomain();
        }
        List<Record> answers = new ArrayList<>();
        addAddress(answers, qname, qtype, ip.getHostAddress());
        return answers.isEmpty() ? nodata() : ZoneAnswer.of(answers, List.of());
    }

    static InetAddress podIp(String label) {
        try {
            if (label.chars().filter(c -> c == '-').count() == 3 && label.matches("[0-9-]+")) {
                return Address.getByAddress(label.replace('-', '.'), Address.IPv4);
            }
            if (label.matches("[0-9a-f-]+") && label.contains("-")) {
                return Address.getByAddress(label.replace('-', ':'), Address.IPv6);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    private void addAddress(List<Record> out, Name owner, int qtype, String ip) {
        try {
            int family = Address.familyOf(Address.getByAddress(ip));
            if (family == Address.IPv4 && (qtype == Type.A || qtype == Type.ANY)) {
                out.add(new ARecord(owner, DClass.IN, ttl, Address.getByAddress(ip, Address.IPv4)));
            } else if (family == Address.IPv6 && (qtype == Type.AAAA || qtype == Type.ANY)) {
                out.add(new AAAARecord(owner, DClass.IN, ttl, Address.getByAddress(ip, Address.IPv6)));
            }
        } catch (UnknownHostException e) {
            // not an IP literal: no record
        }
    }

    private Name svcName(ServiceRecord svc) {
        return child(svc.name().toLowerCase() + "." + svc.namespace().toLowerCase() + ".svc", zone);
    }

    private static Name child(String relative, Name origin) {
        try {
            return Name.fromString(relative, origin);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private SOARecord soaFor(Name owner) {
        return owner.equals(zone) ? soa : new SOARecord(owner, DClass.IN, ttl, soa.getHost(), soa.getAdmin(),
                soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
    }

    ZoneAnswer nxdomain() {
        return new ZoneAnswer(Rcode.NXDOMAIN, List.of(), List.of(soa), List.of());
    }

    ZoneAnswer nodata() {
        return new ZoneAnswer(Rcode.NOERROR, List.of(), List.of(soa), List.of());
    }
}
