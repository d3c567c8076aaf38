package io.kybernetes.ingress.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.kybernetes.ingress.model.ProxyConfig.Location;
import io.kybernetes.ingress.model.ProxyConfig.Match;
import io.kybernetes.ingress.model.ProxyConfig.Server;
import io.kybernetes.ingress.model.ProxyConfig.Upstream;

/**
 * Turns the Ingresses this controller serves into a {@link ProxyConfig}, with upstream's semantics:
 * <ul>
 * <li>one virtual server per host, plus the catch-all for rules without a host;</li>
 * <li>{@code Exact} matches the path only; {@code Prefix} matches by path elements ({@code /foo} matches
 * {@code /foo} and {@code /foo/bar}, not {@code /foobar}; a trailing slash is ignored);
 * {@code ImplementationSpecific} is nginx's plain prefix, as ingress-nginx does without regex annotations;
 * the longest match wins and Exact beats Prefix on the same path;</li>
 * <li>when two Ingresses claim the same host and path, the older one wins;</li>
 * <li>paths no rule matches go to the Ingress's {@code spec.defaultBackend}, else 404; a backend whose Service,
 * port or ready endpoints are missing answers 503;</li>
 * <li>upstreams are the Service's ready endpoints from its EndpointSlices (the ClusterIP only when it has no
 * slices at all), as ingress-nginx balances over endpoints itself;</li>
 * <li>hosts named in {@code spec.tls} are served on HTTPS with the Secret's certificate, and HTTP requests to them
 * are redirected with 308 unless {@code nginx.ingress.kubernetes.io/ssl-redirect: "false"}.</li>
 * </ul>
 */
public final class ConfigBuilder {

    public static final String SSL_REDIRECT = "nginx.ingress.kubernetes.io/ssl-redirect";

    // what nginx.conf can carry unquoted and unambiguous; anything else is refused rather than escaped
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9/_.~%!*+,:@=&()\\-]*");
    private static final Pattern SAFE_HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?");

    private final ClusterView view;
    private final Map<String, Draft> servers = new LinkedHashMap<>();
    private final Map<String, Upstream> upstreams = new TreeMap<>();
    private final Map<String, String> certificates = new TreeMap<>();
    private final Set<String> problems = new LinkedHashSet<>();
    private int order;

    private ConfigBuilder(ClusterView view) {
        this.view = view;
    }

    public static ProxyConfig build(ClusterView view, ClassFilter filter) {
        ConfigBuilder b = new ConfigBuilder(view);
        b.draft("");
        view.ingresses().stream().filter(filter::serves).sorted(OLDEST_FIRST).forEach(b::add);
        return b.result();
    }

    /** Older Ingresses first (creationTimestamp is RFC 3339 in UTC, so it sorts as text), then by name. */
    static final Comparator<Ingress> OLDEST_FIRST = Comparator
            .comparing((Ingress i) -> Optional.ofNullable(i.getMetadata().getCreationTimestamp()).orElse(""))
            .thenComparing(i -> i.getMetadata().getNamespace() + "/" + i.getMetadata().getName());

    private static final class Draft {
        final String host;
        final Map<String, Candidate> locations = new LinkedHashMap<>();
        String certificate;
        boolean sslRedirect = true;
        Location fallback;

        Draft(String host) {
            this.host = host;
        }
    }

    /** A location claim; a lower rank wins (explicit Exact over the exact half of a Prefix), then the earlier. */
    private record Candidate(Location location, int rank, int order) {
    }

    private Draft draft(String host) {
        return servers.computeIfAbsent(host, Draft::new);
    }

    private void add(Ingress ing) {
        String ns = ing.getMetadata().getNamespace();
        String src = ns + "/" + ing.getMetadata().getName();
        var spec = ing.getSpec();
        if (spec == null) {
            return;
        }
        Map<String, String> annotations = ing.getMetadata().getAnnotations();
        boolean redirect = annotations == null || !"false".equalsIgnoreCase(annotations.get(SSL_REDIRECT));
        for (IngressTLS tls : nullSafe(spec.getTls())) {
            String cert = certificate(ns, tls.getSecretName(), src);
            if (cert == null) {
                continue;
            }
            List<String> hosts = nullSafe(tls.getHosts());
            for (String h : hosts.isEmpty() ? List.of("") : hosts) {
                if (!h.isEmpty() && !validHost(h, src)) {
                    continue;
                }
                Draft d = draft(h);
                if (d.certificate == null) {
                    d.certificate = cert;
                }
                d.sslRedirect &= redirect;
            }
        }
        List<String> hosts = new ArrayList<>();
        for (IngressRule rule : nullSafe(spec.getRules())) {
            String host = rule.getHost() == null ? "" : rule.getHost();
            if (!host.isEmpty() && !validHost(host, src)) {
                continue;
            }
            hosts.add(host);
            Draft d = draft(host);
            if (rule.getHttp() == null) {
                continue;
            }
            for (HTTPIngressPath p : nullSafe(rule.getHttp().getPaths())) {
                addPath(d, p, ns, src);
            }
        }
        if (spec.getDefaultBackend() != null) {
            Location target = target(ns, spec.getDefaultBackend(), Match.PREFIX, "/", src + " defaultBackend");
            Draft catchAll = draft("");
            if (catchAll.fallback == null) {
                catchAll.fallback = target;
            }
            for (String h : hosts) {
                Draft d = draft(h);
                if (d.fallback == null) {
                    d.fallback = target;
                }
            }
        }
    }

    private boolean validHost(String host, String src) {
        if (SAFE_HOST.matcher(host).matches()) {
            return true;
        }
        problems.add(src + ": host " + host + " is not a valid DNS name: ignored");
        return false;
    }

    private void addPath(Draft d, HTTPIngressPath p, String ns, String src) {
        String path = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
        String type = p.getPathType() == null ? "ImplementationSpecific" : p.getPathType();
        if (!SAFE_PATH.matcher(path).matches()) {
            problems.add(src + ": path " + path + " has characters this controller does not route: ignored");
            return;
        }
        String what = src + " " + type + " " + path;
        switch (type) {
            case "Exact" -> claim(d, target(ns, p.getBackend(), Match.EXACT, path, what), 0);
            case "Prefix" -> {
                String trimmed = path.replaceAll("/+$", "");
                if (trimmed.isEmpty()) {
                    claim(d, target(ns, p.getBackend(), Match.PREFIX, "/", what), 1);
                } else {
                    claim(d, target(ns, p.getBackend(), Match.EXACT, trimmed, what), 1);
                    claim(d, target(ns, p.getBackend(), Match.PREFIX, trimmed + "/", what), 1);
                }
            }
            case "ImplementationSpecific" -> claim(d, target(ns, p.getBackend(), Match.PREFIX, path, what), 1);
            default -> problems.add(src + ": unknown pathType " + type + " for " + path + ": ignored");
        }
    }

    private void claim(Draft d, Location loc, int rank) {
        Candidate c = new Candidate(loc, rank, order++);
        Candidate old = d.locations.get(loc.key());
        if (old == null || c.rank < old.rank) {
            d.locations.put(loc.key(), c); // an explicit Exact replacing a Prefix's exact half is no conflict
        } else if (c.rank == old.rank && !ingressOf(old.location).equals(ingressOf(loc))) {
            problems.add(loc.source() + " ignored: " + old.location.source() + " routes that path already");
        }
    }

    /** The "namespace/name" a location's source starts with. */
    private static String ingressOf(Location l) {
        int sp = l.source().indexOf(' ');
        return sp < 0 ? l.source() : l.source().substring(0, sp);
    }

    /** A location that proxies to the backend's upstream, or answers 503 when there is nothing to proxy to. */
    private Location target(String ns, IngressBackend backend, Match match, String path, String src) {
        String upstream = upstream(ns, backend, src);
        return upstream == null ? Location.answer(match, path, 503, src) : Location.proxy(match, path, upstream, src);
    }

    private String upstream(String ns, IngressBackend backend, String src) {
        IngressServiceBackend sb = backend == null ? null : backend.getService();
        if (sb == null) {
            problems.add(src + ": only Service backends are supported");
            return null;
        }
        Optional<Service> svc = view.service(ns, sb.getName());
        if (svc.isEmpty()) {
            problems.add(src + ": Service " + ns + "/" + sb.getName() + " not found");
            return null;
        }
        ServicePort port = servicePort(svc.get(), sb);
        if (port == null) {
            problems.add(src + ": Service " + ns + "/" + sb.getName() + " has no port " + describe(sb));
            return null;
        }
        if ("ExternalName".equals(svc.get().getSpec().getType())) {
            problems.add(src + ": ExternalName Service " + ns + "/" + sb.getName() + " is not supported");
            return null;
        }
        String name = (ns + "-" + sb.getName() + "-" + port.getPort()).replaceAll("[^A-Za-z0-9_.-]", "_");
        if (upstreams.containsKey(name)) {
            return name;
        }
        List<EndpointSlice> slices = view.endpointSlices(ns, sb.getName());
        TreeSet<String> addrs = readyEndpoints(slices, port);
        if (addrs.isEmpty() && slices.isEmpty()) {
            String ip = svc.get().getSpec().getClusterIP();
            if (ip != null && !ip.isEmpty() && !"None".equals(ip)) {
                addrs.add(hostPort(ip, port.getPort()));
            }
        }
        if (addrs.isEmpty()) {
            problems.add(src + ": Service " + ns + "/" + sb.getName() + " has no ready endpoints");
            return null;
        }
        upstreams.put(name, new Upstream(name, List.copyOf(addrs)));
        return name;
    }

    private static String describe(IngressServiceBackend sb) {
        if (sb.getPort() == null) {
            return "(none given)";
        }
        return sb.getPort().getName() != null && !sb.getPort().getName().isEmpty()
                ? sb.getPort().getName() : String.valueOf(sb.getPort().getNumber());
    }

    private static ServicePort servicePort(Service svc, IngressServiceBackend sb) {
        if (sb.getPort() == null || svc.getSpec() == null) {
            return null;
        }
        for (ServicePort p : nullSafe(svc.getSpec().getPorts())) {
            String name = sb.getPort().getName();
            if (name != null && !name.isEmpty() ? name.equals(p.getName())
                    : sb.getPort().getNumber() != null && sb.getPort().getNumber().equals(p.getPort())) {
                return p;
            }
        }
        return null;
    }

    /** ip:port of every ready endpoint (ready unset counts as ready) on the slice port named like the Service's. */
    static TreeSet<String> readyEndpoints(List<EndpointSlice> slices, ServicePort port) {
        TreeSet<String> out = new TreeSet<>();
        String want = port.getName() == null ? "" : port.getName();
        for (EndpointSlice s : slices) {
            if ("FQDN".equals(s.getAddressType())) {
                continue;
            }
            Integer number = null;
            for (EndpointPort ep : nullSafe(s.getPorts())) {
                String name = ep.getName() == null ? "" : ep.getName();
                String proto = ep.getProtocol() == null ? "TCP" : ep.getProtocol();
                if (name.equals(want) && "TCP".equals(proto) && ep.getPort() != null) {
                    number = ep.getPort();
                }
            }
            if (number == null) {
                continue;
            }
            for (Endpoint e : nullSafe(s.getEndpoints())) {
                if (e.getConditions() != null && Boolean.FALSE.equals(e.getConditions().getReady())) {
                    continue;
                }
                for (String a : nullSafe(e.getAddresses())) {
                    out.add(hostPort(a, number));
                }
            }
        }
        return out;
    }

    private static String hostPort(String ip, int port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private String certificate(String ns, String secretName, String src) {
        if (secretName == null || secretName.isEmpty()) {
            problems.add(src + ": a tls entry without secretName is not served");
            return null;
        }
        Optional<Secret> secret = view.secret(ns, secretName);
        if (secret.isEmpty()) {
            problems.add(src + ": TLS Secret " + ns + "/" + secretName + " not found");
            return null;
        }
        Map<String, String> data = secret.get().getData();
        String crt = decode(data, "tls.crt");
        String key = decode(data, "tls.key");
        if (crt == null || key == null || !crt.contains("-----BEGIN CERTIFICATE-----")
                || !key.contains("PRIVATE KEY-----")) {
            problems.add(src + ": TLS Secret " + ns + "/" + secretName
                    + " has no PEM certificate in tls.crt and key in tls.key");
            return null;
        }
        String pem = crt + (crt.endsWith("\n") ? "" : "\n") + key + (key.endsWith("\n") ? "" : "\n");
        String file = ns + "_" + secretName + "_" + sha256(pem).substring(0, 12) + ".pem";
        certificates.put(file, pem);
        return file;
    }

    private static String decode(Map<String, String> data, String key) {
        if (data == null || data.get(key) == null) {
            return null;
        }
        try {
            return new String(Base64.getMimeDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ProxyConfig result() {
        List<Server> out = new ArrayList<>();
        servers.values().stream()
                .sorted(Comparator.comparing((Draft d) -> !d.host.isEmpty()).thenComparing(d -> d.host))
                .forEach(d -> out.add(server(d)));
        return new ProxyConfig(List.copyOf(out), List.copyOf(upstreams.values()), Map.copyOf(certificates),
                List.copyOf(problems));
    }

    /** Longest path first as ingress-nginx writes them (nginx picks the longest prefix anyway), exact first. */
    static final Comparator<Location> LONGEST_FIRST = Comparator
            .comparing((Location l) -> -l.path().length())
            .thenComparing(l -> l.match() == Match.EXACT ? 0 : 1)
            .thenComparing(Location::path);

    private static Server server(Draft d) {
        List<Location> locs = new ArrayList<>();
        d.locations.values().forEach(c -> locs.add(c.location));
        if (!d.locations.containsKey(Match.PREFIX.modifier + "/")) {
            locs.add(d.fallback != null ? d.fallback
                    : Location.answer(Match.PREFIX, "/", 404, d.host.isEmpty() ? "no rule matched" : "no path matched"));
        }
        locs.sort(LONGEST_FIRST);
        boolean catchAll = d.host.isEmpty();
        return new Server(catchAll ? null : d.host, List.copyOf(locs), d.certificate, !catchAll && d.sslRedirect);
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
