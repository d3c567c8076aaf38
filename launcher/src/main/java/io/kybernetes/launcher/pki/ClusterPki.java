package io.kybernetes.launcher.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A cluster's certificates and kubeconfigs in kubeadm's layout under one directory (default /etc/kybernetes):
 * {@code pki/ca}, {@code pki/front-proxy-ca} and {@code pki/etcd/ca} sign the components' certificates,
 * {@code pki/sa.key}/{@code sa.pub} sign ServiceAccount tokens, and {@code admin.conf}, {@code super-admin.conf},
 * {@code controller-manager.conf}, {@code scheduler.conf}, {@code proxy.conf}, {@code kubelet.conf} embed client
 * certificates; the kubelet's serving certificate goes to {@code <state>/kubelet/pki/kubelet.{crt,key}}.
 *
 * <p>{@link #generate} is idempotent: it keeps what is valid, creates what is missing and refuses what does not
 * belong (a certificate of another CA, an expired one, one lacking a wanted name). {@link #renew} re-issues leaf
 * certificates with the CA on disk, keeping each one's subject, names and usages (as kubeadm, the certificate is
 * the source of its attributes); CAs are not renewed.
 */
public final class ClusterPki {

    public static final String ADMINS_GROUP = "kubeadm:cluster-admins";
    public static final String MASTERS_GROUP = "system:masters";
    public static final String NODES_GROUP = "system:nodes";
    public static final String DEFAULT_SERVER = "https://127.0.0.1:6443";

    /**
     * Where and for which node: {@code server} null means {@link #DEFAULT_SERVER} for new kubeconfigs and no check
     * of the existing ones' server.
     */
    public record Options(Path dir, Path stateDir, String nodeName, String nodeIp, String server,
            String serviceCidr, List<String> extraSans) {
        public Options {
            extraSans = List.copyOf(extraSans);
        }

        Path pki() {
            return dir.resolve("pki");
        }
    }

    /** A certificate authority: its name in the tables and its files. */
    public record Authority(String name, String commonName, Path crt, Path key) {
    }

    /** A leaf certificate in PEM files ({@code kubeconfig} null) or embedded in a kubeconfig for {@code user}. */
    public record Leaf(String name, String ca, CertSpec spec, Path crt, Path key, Path kubeconfig, String user) {
        boolean embedded() {
            return kubeconfig != null;
        }

        String where() {
            return embedded() ? kubeconfig.toString() : crt.toString();
        }
    }

    /** A line of check-expiration. */
    public record Expiry(String name, Instant expires, String ca, boolean externallyManaged, boolean missing) {
    }

    private final Options options;
    private final Clock clock;
    private final Consumer<String> out;
    private final List<Authority> authorities;
    private final List<Leaf> leaves;

    public ClusterPki(Options options, Clock clock, Consumer<String> out) {
        this.options = options;
        this.clock = clock;
        this.out = out;
        Path pki = options.pki();
        authorities = List.of(new Authority("ca", "kubernetes", pki.resolve("ca.crt"), pki.resolve("ca.key")),
                new Authority("front-proxy-ca", "front-proxy-ca", pki.resolve("front-proxy-ca.crt"),
                        pki.resolve("front-proxy-ca.key")),
                new Authority("etcd-ca", "etcd-ca", pki.resolve("etcd/ca.crt"), pki.resolve("etcd/ca.key")));
        String node = options.nodeName();
        List<String> etcdSans = List.of("localhost", node, options.nodeIp(), "127.0.0.1", "::1");
        leaves = List.of(
                file("apiserver", "ca", pki.resolve("apiserver"), CertSpec.server("kube-apiserver", apiserverSans())),
                file("apiserver-kubelet-client", "ca", pki.resolve("apiserver-kubelet-client"),
                        CertSpec.client("kube-apiserver-kubelet-client", ADMINS_GROUP)),
                file("front-proxy-client", "front-proxy-ca", pki.resolve("front-proxy-client"),
                        CertSpec.client("front-proxy-client")),
                file("etcd-server", "etcd-ca", pki.resolve("etcd/server"),
                        CertSpec.withSans(node, List.of(), etcdSans, KeyUsages.SERVER_AND_CLIENT)),
                file("etcd-peer", "etcd-ca", pki.resolve("etcd/peer"),
                        CertSpec.withSans(node, List.of(), etcdSans, KeyUsages.SERVER_AND_CLIENT)),
                file("etcd-healthcheck-client", "etcd-ca", pki.resolve("etcd/healthcheck-client"),
                        CertSpec.client("kube-etcd-healthcheck-client")),
                file("apiserver-etcd-client", "etcd-ca", pki.resolve("apiserver-etcd-client"),
                        CertSpec.client("kube-apiserver-etcd-client")),
                file("kubelet-serving", "ca", options.stateDir().resolve("kubelet/pki/kubelet"),
                        CertSpec.withSans("system:node:" + node, List.of(NODES_GROUP),
                                List.of(node, options.nodeIp()), KeyUsages.SERVER)),
                conf("admin.conf", "kubernetes-admin", CertSpec.client("kubernetes-admin", ADMINS_GROUP)),
                conf("super-admin.conf", "kubernetes-super-admin",
                        CertSpec.client("kubernetes-super-admin", MASTERS_GROUP)),
                conf("controller-manager.conf", "system:kube-controller-manager",
                        CertSpec.client("system:kube-controller-manager")),
                conf("scheduler.conf", "system:kube-scheduler", CertSpec.client("system:kube-scheduler")),
                conf("proxy.conf", "system:kube-proxy", CertSpec.client("system:kube-proxy")),
                conf("kubelet.conf", "system:node:" + node, CertSpec.client("system:node:" + node, NODES_GROUP)));
    }

    private static Leaf file(String name, String ca, Path base, CertSpec spec) {
        return new Leaf(name, ca, spec, base.resolveSibling(base.getFileName() + ".crt"),
                base.resolveSibling(base.getFileName() + ".key"), null, null);
    }

    private Leaf conf(String file, String user, CertSpec spec) {
        return new Leaf(file, "ca", spec, null, null, options.dir().resolve(file), user);
    }

    /** The apiserver's names: the in-cluster Service names, the node, the Service's IP, loopback, the node IP. */
    List<String> apiserverSans() {
        List<String> sans = new ArrayList<>(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local", options.nodeName(), firstIp(options.serviceCidr()),
                "127.0.0.1", options.nodeIp()));
        sans.addAll(options.extraSans());
        return sans;
    }

    /** The first address of a CIDR: 10.96.0.0/12 gives 10.96.0.1, the {@code kubernetes} Service's IP. */
    public static String firstIp(String cidr) {
        String[] parts = cidr.trim().split("/");
        try {
            if (parts.length != 2 || !CertSpec.isIpLiteral(parts[0])) {
                throw new IllegalArgumentException("not a CIDR: \"" + cidr + "\"");
            }
            byte[] base = InetAddress.getByName(parts[0]).getAddress();
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < 0 || prefix >= base.length * 8) {
                throw new IllegalArgumentException("not a CIDR with room for addresses: \"" + cidr + "\"");
            }
            BigInteger net = new BigInteger(1, base).shiftRight(base.length * 8 - prefix)
                    .shiftLeft(base.length * 8 - prefix);
            byte[] raw = net.add(BigInteger.ONE).toByteArray();
            byte[] ip = new byte[base.length];
            int n = Math.min(raw.length, ip.length);
            System.arraycopy(raw, raw.length - n, ip, ip.length - n, n);
            return InetAddress.getByAddress(ip).getHostAddress();
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR: \"" + cidr + "\"", e);
        }
    }

    public List<Authority> authorities() {
        return authorities;
    }

    public List<Leaf> leaves() {
        return leaves;
    }

    public Path saKey() {
        return options.pki().resolve("sa.key");
    }

    public Path saPub() {
        return options.pki().resolve("sa.pub");
    }

    // ------------------------------------------------------------------------------------------------ generate

    /** Creates what is missing, keeps what is valid, refuses (throws) at the first file that does not belong. */
    public void generate() throws PkiException {
        try {
            for (Authority a : authorities) {
                authority(a);
            }
            serviceAccountKey();
            for (Leaf l : leaves) {
                CertificateAuthority ca = loadCa(l.ca());
                if (l.embedded()) {
                    kubeconfig(l, ca);
                } else {
                    leafFiles(l, ca);
                }
            }
        } catch (IOException e) {
            throw new PkiException("I/O error: " + e.getMessage(), e);
        }
    }

    private void authority(Authority a) throws PkiException, IOException {
        boolean crt = Files.exists(a.crt());
        boolean key = Files.exists(a.key());
        if (crt) {
            X509Certificate c = readCert(a.crt());
            if (!Certificates.isCa(c)) {
                throw new PkiException(a.crt() + " is not a CA certificate (basicConstraints CA:FALSE)");
            }
            if (clock.instant().isAfter(Certificates.notAfter(c))) {
                throw new PkiException("the CA " + a.crt() + " expired on " + ResidualTime.date(Certificates.notAfter(c))
                        + ": CAs are not renewed; remove " + options.pki() + " and generate a new PKI");
            }
            if (key) {
                loadCa(a.name());
                out.accept("[certs] Using existing " + a.name() + " certificate authority");
            } else {
                out.accept("[certs] Using the external " + a.name() + " certificate authority (no "
                        + a.key().getFileName() + "): certificates it signs must exist already");
            }
            return;
        }
        if (key) {
            throw new PkiException(a.key() + " exists without " + a.crt() + ": remove it or restore the certificate");
        }
        out.accept("[certs] Generating \"" + a.name() + "\" certificate and key");
        CertificateAuthority ca = CertificateAuthority.create(a.commonName(), clock);
        Pem.writePrivateKey(a.key(), ca.key());
        Pem.writeCertificate(a.crt(), ca.cert());
    }

    private void serviceAccountKey() throws PkiException, IOException {
        if (Files.exists(saKey())) {
            PrivateKey key = readKey(saKey());
            try {
                java.security.PublicKey pub = KeyPairs.rsaPublic(key);
                if (Files.exists(saPub())) {
                    if (!Certificates.matches(key, readPublicKey(saPub()))) {
                        throw new PkiException(saPub() + " is not the public key of " + saKey());
                    }
                } else {
                    Pem.writePublicKey(saPub(), pub);
                }
            } catch (GeneralSecurityException e) {
                throw new PkiException(saKey() + " is not an RSA private key (ServiceAccount tokens are RS256)");
            }
            out.accept("[certs] Using the existing \"sa\" key");
            return;
        }
        if (Files.exists(saPub())) {
            throw new PkiException(saPub() + " exists without " + saKey() + ": remove it or restore the key");
        }
        out.accept("[certs] Generating \"sa\" key and public key");
        KeyPair k = KeyPairs.rsa();
        Pem.writePrivateKey(saKey(), k.getPrivate());
        Pem.writePublicKey(saPub(), k.getPublic());
    }

    private void leafFiles(Leaf l, CertificateAuthority ca) throws PkiException, IOException {
        boolean crt = Files.exists(l.crt());
        boolean key = Files.exists(l.key());
        if (crt || key) {
            if (!crt || !key) {
                throw new PkiException((crt ? l.key() : l.crt()) + " is missing beside "
                        + (crt ? l.crt() : l.key()) + ": remove the other file too and run generate again");
            }
            check(l, new Issued(readCert(l.crt()), readKey(l.key())), ca);
            out.accept("[certs] Using existing " + l.name() + " certificate and key on disk");
            return;
        }
        if (ca.key() == null) {
            throw new PkiException(l.crt() + " is missing and the " + l.ca() + " key is not here to sign it");
        }
        out.accept("[certs] Generating \"" + l.name() + "\" certificate and key");
        if (!l.spec().dnsNames().isEmpty() || !l.spec().ipAddresses().isEmpty()) {
            out.accept("[certs] " + l.name() + " serving cert is signed for DNS names " + l.spec().dnsNames()
                    + " and IPs " + l.spec().ipAddresses());
        }
        write(l, ca.issue(l.spec(), clock), null);
    }

    private void kubeconfig(Leaf l, CertificateAuthority ca) throws PkiException, IOException {
        if (Files.exists(l.kubeconfig())) {
            Kubeconfig k = Kubeconfig.read(l.kubeconfig());
            Issued client;
            try {
                client = k.client();
                if (client == null) {
                    throw new PkiException("a kubeconfig file \"" + l.kubeconfig() + "\" exists already but embeds "
                            + "no client certificate and key (one for a plain-HTTP cluster?): remove it or choose "
                            + "another --dir");
                }
                X509Certificate embeddedCa = k.ca();
                if (embeddedCa == null || !Arrays.equals(embeddedCa.getEncoded(), ca.cert().getEncoded())) {
                    throw new PkiException("a kubeconfig file \"" + l.kubeconfig()
                            + "\" exists already but has got the wrong CA cert");
                }
            } catch (GeneralSecurityException e) {
                throw new PkiException(l.kubeconfig() + ": unreadable embedded data: " + e.getMessage(), e);
            }
            if (options.server() != null && !options.server().equals(k.server())) {
                throw new PkiException("a kubeconfig file \"" + l.kubeconfig() + "\" exists already but has an "
                        + "unexpected API Server URL: expected: " + options.server() + ", got: " + k.server());
            }
            check(l, client, ca);
            out.accept("[kubeconfig] Using existing kubeconfig file: \"" + l.kubeconfig() + "\"");
            return;
        }
        if (ca.key() == null) {
            throw new PkiException(l.kubeconfig() + " is missing and the " + l.ca() + " key is not here to sign it");
        }
        out.accept("[kubeconfig] Writing \"" + l.name() + "\" kubeconfig file");
        write(l, ca.issue(l.spec(), clock), options.server() == null ? DEFAULT_SERVER : options.server());
    }

    /** Refuses an existing certificate that is not this CA's, has expired, lacks a wanted name or its key. */
    private void check(Leaf l, Issued existing, CertificateAuthority ca) throws PkiException {
        String why = Certificates.invalidReason(existing.cert(), ca.cert(), clock.instant());
        if (why != null) {
            String fix = why.startsWith("expired") ? "run 'kybernetes certs renew " + l.name() + "'"
                    : "remove it to have a new one generated";
            throw new PkiException("certificate " + l.name() + " (" + l.where() + ") " + why + ": " + fix);
        }
        if (!Certificates.matches(existing.key(), existing.cert().getPublicKey())) {
            throw new PkiException("the key of " + l.name() + " (" + l.where() + ") does not match its certificate");
        }
        Set<String> missing = new LinkedHashSet<>(l.spec().dnsNames());
        missing.removeAll(Certificates.dnsNames(existing.cert()));
        Set<String> ips = normalized(Certificates.ipAddresses(existing.cert()));
        for (String ip : normalized(l.spec().ipAddresses())) {
            if (!ips.contains(ip)) {
                missing.add(ip);
            }
        }
        if (!missing.isEmpty()) {
            throw new PkiException("certificate " + l.name() + " (" + l.where() + ") is not valid for " + missing
                    + ": remove it to have a new one generated");
        }
    }

    private static Set<String> normalized(List<String> ips) {
        Set<String> out = new LinkedHashSet<>();
        for (String ip : ips) {
            try {
                out.add(InetAddress.getByName(ip).getHostAddress());
            } catch (UnknownHostException e) {
                out.add(ip);
            }
        }
        return out;
    }

    private void write(Leaf l, Issued issued, String server) throws IOException {
        if (l.embedded()) {
            Kubeconfig.of(server, l.user(), loadCaUnchecked(l.ca()).cert(), issued).write(l.kubeconfig());
        } else {
            Pem.writePrivateKey(l.key(), issued.key());
            Pem.writeCertificate(l.crt(), issued.cert());
        }
    }

    // ------------------------------------------------------------------------------------------------ renew

    /** The names {@link #renew} takes, besides "all". */
    public List<String> renewable() {
        return leaves.stream().map(Leaf::name).sorted().toList();
    }

    /** Re-issues {@code name}'s certificate ("all": every existing one) with a new key, signed by its CA on disk. */
    public void renew(String name) throws PkiException {
        List<Leaf> selected;
        if (name.equals("all")) {
            selected = leaves;
        } else {
            if (authorities.stream().anyMatch(a -> a.name().equals(name))) {
                throw new PkiException("\"" + name + "\" is a certificate authority: CAs are not renewed");
            }
            selected = leaves.stream().filter(l -> l.name().equals(name)).toList();
            if (selected.isEmpty()) {
                throw new PkiException("unknown certificate \"" + name + "\"; known: " + renewable() + " or all");
            }
        }
        try {
            for (Leaf l : selected) {
                Path file = l.embedded() ? l.kubeconfig() : l.crt();
                if (!Files.exists(file)) {
                    if (!name.equals("all")) {
                        throw new PkiException(file + " does not exist: run 'kybernetes certs generate'");
                    }
                    out.accept("[renew] " + l.name() + " does not exist; skipped (run 'kybernetes certs generate')");
                    continue;
                }
                Authority a = authority(l.ca());
                if (!Files.exists(a.key())) {
                    throw new PkiException("cannot renew " + l.name() + ": the " + a.name() + " key " + a.key()
                            + " is missing (an externally managed CA)");
                }
                CertificateAuthority ca = loadCa(l.ca());
                if (l.embedded()) {
                    Kubeconfig k = Kubeconfig.read(l.kubeconfig());
                    Issued client = k.client();
                    if (client == null) {
                        throw new PkiException(l.kubeconfig() + " embeds no client certificate to renew");
                    }
                    Issued renewed = ca.issue(Certificates.spec(client.cert(), CertSpec.LEAF_VALIDITY), clock);
                    Kubeconfig.of(k.server() == null ? DEFAULT_SERVER : k.server(), l.user(), ca.cert(), renewed)
                            .write(l.kubeconfig());
                    out.accept("[renew] certificate embedded in the kubeconfig file " + l.name() + " renewed");
                } else {
                    X509Certificate old = readCert(l.crt());
                    write(l, ca.issue(Certificates.spec(old, CertSpec.LEAF_VALIDITY), clock), null);
                    out.accept("[renew] certificate " + l.name() + " renewed");
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new PkiException("cannot renew " + name + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ expiration

    /** The leaf certificates (sorted by name) then the authorities (sorted), as check-expiration lists them. */
    public List<Expiry> leafExpiry() throws PkiException {
        List<Expiry> rows = new ArrayList<>();
        for (Leaf l : leaves) {
            Path file = l.embedded() ? l.kubeconfig() : l.crt();
            boolean external = !Files.exists(authority(l.ca()).key());
            if (!Files.exists(file)) {
                rows.add(new Expiry(l.name(), null, l.ca(), external, true));
                continue;
            }
            X509Certificate c;
            try {
                c = l.embedded() ? clientOf(l) : readCert(l.crt());
            } catch (IOException | GeneralSecurityException e) {
                throw new PkiException(file + ": " + e.getMessage(), e);
            }
            rows.add(new Expiry(l.name(), Certificates.notAfter(c), l.ca(), external, false));
        }
        rows.sort(Comparator.comparing(Expiry::name));
        return rows;
    }

    private X509Certificate clientOf(Leaf l) throws IOException, GeneralSecurityException, PkiException {
        Issued client = Kubeconfig.read(l.kubeconfig()).client();
        if (client == null) {
            throw new PkiException("embeds no client certificate");
        }
        return client.cert();
    }

    public List<Expiry> authorityExpiry() throws PkiException {
        List<Expiry> rows = new ArrayList<>();
        for (Authority a : authorities) {
            if (!Files.exists(a.crt())) {
                rows.add(new Expiry(a.name(), null, null, false, true));
                continue;
            }
            rows.add(new Expiry(a.name(), Certificates.notAfter(readCertChecked(a.crt())), null,
                    !Files.exists(a.key()), false));
        }
        rows.sort(Comparator.comparing(Expiry::name));
        return rows;
    }

    /** Both tables of {@code kubeadm certs check-expiration}. */
    public String expirationTables() throws PkiException {
        Instant now = clock.instant();
        List<List<String>> certs = new ArrayList<>();
        certs.add(List.of("CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"));
        for (Expiry e : leafExpiry()) {
            certs.add(e.missing() ? List.of("!MISSING! " + e.name())
                    : List.of(e.name(), ResidualTime.date(e.expires()),
                            ResidualTime.of(Duration.between(now, e.expires())), e.ca(), yesNo(e.externallyManaged())));
        }
        List<List<String>> cas = new ArrayList<>();
        cas.add(List.of("CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"));
        for (Expiry e : authorityExpiry()) {
            cas.add(e.missing() ? List.of("!MISSING! " + e.name())
                    : List.of(e.name(), ResidualTime.date(e.expires()),
                            ResidualTime.of(Duration.between(now, e.expires())), yesNo(e.externallyManaged())));
        }
        return table(certs) + "\n" + table(cas);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    /**
     * Columns padded to their widest cell plus three spaces, at least ten wide, the last one not padded (Go's
     * tabwriter with kubeadm's minwidth 10 and padding 3); a row with fewer cells leaves the rest out.
     */
    static String table(List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] width = new int[columns];
        for (List<String> r : rows) {
            if (r.size() == columns) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r.get(i).length());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(r.get(i));
                if (i < r.size() - 1) {
                    line.append(" ".repeat(Math.max(10, width[i] + 3) - r.get(i).length()));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ files

    private Authority authority(String name) {
        return authorities.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    /** The CA {@code name} from disk; its key null when it is externally managed (no key file). */
    private CertificateAuthority loadCa(String name) throws PkiException, IOException {
        Authority a = authority(name);
        X509Certificate c = readCert(a.crt());
        if (!Files.exists(a.key())) {
            return new CertificateAuthority(c, null);
        }
        PrivateKey k = readKey(a.key());
        if (!Certificates.matches(k, c.getPublicKey())) {
            throw new PkiException(a.key() + " is not the key of " + a.crt());
        }
        return new CertificateAuthority(c, k);
    }

    private CertificateAuthority loadCaUnchecked(String name) throws IOException {
        try {
            return loadCa(name);
        } catch (PkiException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static X509Certificate readCert(Path file) throws PkiException, IOException {
        try {
            return Pem.readCertificate(file);
        } catch (GeneralSecurityException e) {
            throw new PkiException(e.getMessage(), e);
        }
    }

    private static X509Certificate readCertChecked(Path file) throws PkiException {
        try {
            return readCert(file);
        } catch (IOException e) {
            throw new PkiException(file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) throws PkiException, IOException {
        try {
            return Pem.readPrivateKey(file);
        } catch (GeneralSecurityException e) {
            throw new PkiException(e.getMessage(), e);
        }
    }

    private static java.security.PublicKey readPublicKey(Path file) throws PkiException, IOException {
        try {
            return Pem.publicKey(Files.readString(file));
        } catch (GeneralSecurityException e) {
            throw new PkiException(file + ": " + e.getMessage(), e);
        }
    }
}
