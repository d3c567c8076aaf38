package io.kybernetes.launcher.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code certs generate | renew | check-expiration} on a scratch directory, checked by openssl and kubectl too. */
class CertsMainTest {

    static final String[] NODE = {"--node-name=Node1", "--node-ip=192.0.2.2"};

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    Run certs(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>();
        if (!List.of(args).contains("--help")) {
            all.add("--dir=" + dir.resolve("etc"));
            all.add("--state-dir=" + dir.resolve("state"));
            all.addAll(List.of(NODE));
        }
        all.addAll(List.of(args)); // later flags win
        int code = CertsMain.run(all.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path etc(String file) {
        return dir.resolve("etc").resolve(file);
    }

    static final List<String> KEYS = List.of("pki/ca.key", "pki/apiserver.key", "pki/apiserver-kubelet-client.key",
            "pki/front-proxy-ca.key", "pki/front-proxy-client.key", "pki/sa.key", "pki/etcd/ca.key",
            "pki/etcd/server.key", "pki/etcd/peer.key", "pki/etcd/healthcheck-client.key",
            "pki/apiserver-etcd-client.key", "admin.conf", "super-admin.conf", "controller-manager.conf",
            "scheduler.conf", "proxy.conf", "kubelet.conf");
    static final List<String> PUBLIC = List.of("pki/ca.crt", "pki/apiserver.crt", "pki/apiserver-kubelet-client.crt",
            "pki/front-proxy-ca.crt", "pki/front-proxy-client.crt", "pki/sa.pub", "pki/etcd/ca.crt",
            "pki/etcd/server.crt", "pki/etcd/peer.crt", "pki/etcd/healthcheck-client.crt",
            "pki/apiserver-etcd-client.crt");

    /** One generated PKI that every test starts from a copy of (generating takes seconds on a busy machine). */
    static Path template;
    static String generated;

    @BeforeAll
    static void generateOnce() throws IOException {
        template = Files.createTempDirectory(Path.of("/tmp"), "launcher-it-pki-");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = CertsMain.run(new String[] {"generate", "--dir=" + template.resolve("etc"),
            "--state-dir=" + template.resolve("state"), NODE[0], NODE[1]},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Clock.systemUTC());
        generated = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, generated);
    }

    @AfterAll
    static void removeTemplate() throws IOException {
        delete(template);
    }

    static void delete(Path root) throws IOException {
        if (root != null && Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @BeforeEach
    void copyTemplate() throws IOException {
        try (Stream<Path> files = Files.walk(template)) {
            for (Path f : files.sorted().toList()) {
                Path to = dir.resolve(template.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void generateReportsWhatItMakes() {
        assertTrue(generated.contains("[certs] Generating \"ca\" certificate and key"), generated);
        assertTrue(generated.contains("[certs] Generating \"apiserver\" certificate and key"), generated);
        assertTrue(generated.contains("[certs] apiserver serving cert is signed for DNS names [kubernetes, "
                + "kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, node1] and IPs "
                + "[10.96.0.1, 127.0.0.1, 192.0.2.2]"), generated);
        assertTrue(generated.contains("[certs] Generating \"sa\" key and public key"), generated);
        assertTrue(generated.contains("[kubeconfig] Writing \"kubelet.conf\" kubeconfig file"), generated);
    }

    @Test
    void writesKubeadmsLayoutWithPrivateKeysOnlyForRoot() throws IOException {
        for (String k : KEYS) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(etc(k))), k);
        }
        for (String p : PUBLIC) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(etc(p))), p);
        }
        Path kubelet = dir.resolve("state/kubelet/pki");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                kubelet.resolve("kubelet.key"))));
        assertTrue(Files.exists(kubelet.resolve("kubelet.crt")));
    }

    @Test
    void generateTwiceKeepsEveryFile() throws IOException {
        Map<String, byte[]> before = contents();
        Run again = certs("generate");
        assertEquals(0, again.code(), again.err());
        assertFalse(again.out().contains("Generating"), again.out());
        assertTrue(again.out().contains("[certs] Using existing apiserver certificate and key on disk"), again.out());
        assertTrue(again.out().contains("[kubeconfig] Using existing kubeconfig file: \"" + etc("admin.conf") + "\""),
                again.out());
        Map<String, byte[]> after = contents();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((f, b) -> assertArrayEquals(b, after.get(f), f));
    }

    @Test
    void generateRecreatesOnlyWhatIsMissing() throws Exception {
        X509Certificate ca = Pem.readCertificate(etc("pki/ca.crt"));
        Files.delete(etc("pki/apiserver.crt"));
        Files.delete(etc("pki/apiserver.key"));
        Files.delete(etc("scheduler.conf"));
        Run r = certs("generate");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Generating \"apiserver\""), r.out());
        assertTrue(r.out().contains("Writing \"scheduler.conf\""), r.out());
        assertTrue(r.out().contains("Using existing ca certificate authority"), r.out());
        assertTrue(Certificates.signedBy(Pem.readCertificate(etc("pki/apiserver.crt")), ca));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("apiserver of another CA", "pki/apiserver", "is not signed by the CA \"kubernetes\""),
                Arguments.of("etcd server of the cluster CA", "pki/etcd/server", "is not signed by the CA \"etcd-ca\""),
                Arguments.of("kubeconfig of another CA", "admin.conf", "has got the wrong CA cert"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesAFileThatDoesNotChainToTheCaOnDisk(String name, String file, String message) throws Exception {
        CertificateAuthority other = CertificateAuthority.create("kubernetes", Clock.systemUTC());
        Issued foreign = other.issue(CertSpec.server("kube-apiserver", List.of("kubernetes")), Clock.systemUTC());
        if (file.endsWith(".conf")) {
            Kubeconfig.of(ClusterPki.DEFAULT_SERVER, "kubernetes-admin", other.cert(), foreign).write(etc(file));
        } else {
            Pem.writeCertificate(etc(file + ".crt"), foreign.cert());
            Pem.writePrivateKey(etc(file + ".key"), foreign.key());
        }
        Run r = certs("generate");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void refusesAnApiserverCertificateLackingANewSan() {
        Run r = certs("generate", "--apiserver-cert-extra-sans=api.example.test,203.0.113.7");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is not valid for [api.example.test, 203.0.113.7]"), r.err());
    }

    @Test
    void refusesAKubeconfigOfAnotherServerAndAPlainOne() throws IOException {
        Run r = certs("generate", "--server=https://10.0.0.1:6443");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unexpected API Server URL: expected: https://10.0.0.1:6443, got: "
                + ClusterPki.DEFAULT_SERVER), r.err());
        Files.writeString(etc("admin.conf"), "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n"
                + "    server: http://127.0.0.1:6443\n  name: kybernetes\n");
        r = certs("generate");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("exists already but embeds no client certificate and key"), r.err());
    }

    @Test
    void checkExpirationPrintsKubeadmsTwoTables() {
        Run r = certs("check-expiration");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals("CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   "
                + "EXTERNALLY MANAGED", lines[0]);
        List<String> names = new ArrayList<>();
        int i = 1;
        for (; !lines[i].isEmpty(); i++) {
            String[] cells = lines[i].split(" {3,}");
            names.add(cells[0]);
            assertEquals(5, cells.length, lines[i]);
            assertTrue(cells[1].matches("[A-Z][a-z]{2} \\d\\d, \\d{4} \\d\\d:\\d\\d UTC"), cells[1]);
            assertEquals("364d", cells[2], lines[i]);
            assertEquals("no", cells[4]);
        }
        assertEquals(List.of("admin.conf", "apiserver", "apiserver-etcd-client", "apiserver-kubelet-client",
                "controller-manager.conf", "etcd-healthcheck-client", "etcd-peer", "etcd-server",
                "front-proxy-client", "kubelet-serving", "kubelet.conf", "proxy.conf", "scheduler.conf",
                "super-admin.conf"), names);
        assertTrue(r.out().contains("\napiserver-etcd-client      "), r.out());
        assertEquals("CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED", lines[i + 1]);
        assertTrue(lines[i + 2].matches("ca {22}\\w{3} \\d\\d, \\d{4} \\d\\d:\\d\\d UTC {3}9y {14}no"), lines[i + 2]);
        assertTrue(lines[i + 3].startsWith("etcd-ca "), lines[i + 3]);
        assertTrue(lines[i + 4].startsWith("front-proxy-ca "), lines[i + 4]);
    }

    @Test
    void checkExpirationMarksMissingAndExternallyManaged() throws IOException {
        Files.delete(etc("pki/front-proxy-client.crt"));
        Files.delete(etc("pki/etcd/ca.key"));
        Run r = certs("check-expiration");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\n!MISSING! front-proxy-client\n"), r.out());
        assertTrue(r.out().matches("(?s).*\netcd-peer .* etcd-ca +yes\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\netcd-ca .* 9y +yes\n.*"), r.out());
    }

    @Test
    void renewReissuesWithTheSameAttributes() throws Exception {
        X509Certificate old = Pem.readCertificate(etc("pki/apiserver.crt"));
        byte[] oldKey = Files.readAllBytes(etc("pki/apiserver.key"));
        Run r = certs("renew", "apiserver");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[renew] certificate apiserver renewed"), r.out());
        X509Certificate renewed = Pem.readCertificate(etc("pki/apiserver.crt"));
        assertNotEquals(old.getSerialNumber(), renewed.getSerialNumber());
        assertFalse(java.util.Arrays.equals(oldKey, Files.readAllBytes(etc("pki/apiserver.key"))));
        assertEquals(Certificates.spec(old, CertSpec.LEAF_VALIDITY), Certificates.spec(renewed, CertSpec.LEAF_VALIDITY));
        assertTrue(Certificates.signedBy(renewed, Pem.readCertificate(etc("pki/ca.crt"))));
        assertEquals(0, certs("generate").code(), "the renewed set is still accepted");
    }

    @Test
    void renewAllRenewsKubeconfigsButNotCas() throws Exception {
        Map<String, byte[]> before = contents();
        X509Certificate admin = Kubeconfig.read(etc("admin.conf")).client().cert();
        Run r = certs("renew", "all");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[renew] certificate embedded in the kubeconfig file admin.conf renewed"), r.out());
        Map<String, byte[]> after = contents();
        for (String unchanged : List.of("pki/ca.crt", "pki/ca.key", "pki/etcd/ca.crt", "pki/front-proxy-ca.key",
                "pki/sa.key", "pki/sa.pub")) {
            assertArrayEquals(before.get(unchanged), after.get(unchanged), unchanged);
        }
        for (String changed : List.of("pki/apiserver.crt", "pki/etcd/peer.key", "admin.conf", "kubelet.conf")) {
            assertFalse(java.util.Arrays.equals(before.get(changed), after.get(changed)), changed);
        }
        X509Certificate renewed = Kubeconfig.read(etc("admin.conf")).client().cert();
        assertEquals(List.of("kubeadm:cluster-admins"), Certificates.organizations(renewed));
        assertNotEquals(admin.getSerialNumber(), renewed.getSerialNumber());
        assertEquals(ClusterPki.DEFAULT_SERVER, Kubeconfig.read(etc("admin.conf")).server());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "renew ca|1|\"ca\" is a certificate authority: CAs are not renewed",
        "renew nope|1|unknown certificate \"nope\"",
        "renew|2|renew takes one argument",
        "frobnicate|2|unknown command \"frobnicate\"",
        "generate --bogus=1|2|unknown flag --bogus",
        "generate --service-cidr=10.96.0.0|2|not a CIDR",
        "generate --node-ip=nodeone|2|is not an IP address"})
    void badUsage(String args, int code, String message) {
        Run r = certs(args.split(" "));
        assertEquals(code, r.code(), r.out());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void helpWorks() {
        Run r = certs("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("check-expiration"));
        assertTrue(r.out().contains("--apiserver-cert-extra-sans"));
    }

    // ------------------------------------------------------------------ real tools agree with our files

    static Stream<Arguments> opensslVerify() {
        return Stream.of(
                Arguments.of("pki/ca.crt", "pki/apiserver.crt", "sslserver"),
                Arguments.of("pki/ca.crt", "pki/apiserver-kubelet-client.crt", "sslclient"),
                Arguments.of("pki/front-proxy-ca.crt", "pki/front-proxy-client.crt", "sslclient"),
                Arguments.of("pki/etcd/ca.crt", "pki/etcd/server.crt", "sslserver"),
                Arguments.of("pki/etcd/ca.crt", "pki/etcd/server.crt", "sslclient"),
                Arguments.of("pki/etcd/ca.crt", "pki/etcd/peer.crt", "sslserver"),
                Arguments.of("pki/etcd/ca.crt", "pki/etcd/healthcheck-client.crt", "sslclient"),
                Arguments.of("pki/etcd/ca.crt", "pki/apiserver-etcd-client.crt", "sslclient"),
                Arguments.of("pki/ca.crt", "../state/kubelet/pki/kubelet.crt", "sslserver"),
                Arguments.of("pki/ca.crt", "admin.conf", "sslclient"),
                Arguments.of("pki/ca.crt", "kubelet.conf", "sslclient"));
    }

    @ParameterizedTest(name = "openssl verify -CAfile {0} -purpose {2} {1}")
    @MethodSource("opensslVerify")
    void opensslVerifiesTheChain(String ca, String file, String purpose) throws Exception {
        Path cert = etc(file);
        if (file.endsWith(".conf")) {
            cert = dir.resolve("client.crt");
            Pem.writeCertificate(cert, Kubeconfig.read(etc(file)).client().cert());
        }
        String out = run("openssl", "verify", "-CAfile", etc(ca).toString(), "-purpose", purpose, cert.toString());
        assertEquals(cert + ": OK\n", out);
    }

    @Test
    void opensslVerifyRefusesTheWrongCa() throws Exception {
        Process p = new ProcessBuilder("openssl", "verify", "-CAfile", etc("pki/etcd/ca.crt").toString(),
                etc("pki/apiserver.crt").toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue());
    }

    @Test
    void opensslReadsSubjectsSansAndUsages() throws Exception {
        String api = run("openssl", "x509", "-noout", "-text", "-in", etc("pki/apiserver.crt").toString());
        assertTrue(api.contains("Subject: CN = kube-apiserver"), api);
        assertTrue(api.contains("DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, "
                + "DNS:kubernetes.default.svc.cluster.local, DNS:node1, IP Address:10.96.0.1, "
                + "IP Address:127.0.0.1, IP Address:192.0.2.2"), api);
        assertTrue(api.contains("TLS Web Server Authentication"), api);
        assertTrue(api.contains("Digital Signature, Key Encipherment"), api);
        assertTrue(api.contains("CA:FALSE"), api);
        assertTrue(api.contains("ASN1 OID: prime256v1"), api);
        String ca = run("openssl", "x509", "-noout", "-text", "-in", etc("pki/ca.crt").toString());
        assertTrue(ca.contains("CA:TRUE"), ca);
        assertTrue(ca.contains("Certificate Sign"), ca);
        String etcd = run("openssl", "x509", "-noout", "-text", "-in", etc("pki/etcd/server.crt").toString());
        assertTrue(etcd.contains("DNS:localhost, DNS:node1, IP Address:192.0.2.2, IP Address:127.0.0.1, "
                + "IP Address:0:0:0:0:0:0:0:1"), etcd);
        assertTrue(etcd.contains("TLS Web Server Authentication, TLS Web Client Authentication"), etcd);
        Path kubelet = dir.resolve("kubelet.crt");
        Pem.writeCertificate(kubelet, Kubeconfig.read(etc("kubelet.conf")).client().cert());
        String node = run("openssl", "x509", "-noout", "-subject", "-in", kubelet.toString());
        assertEquals("subject=O = system:nodes, CN = system:node:node1\n", node);
        String sa = run("openssl", "rsa", "-pubin", "-noout", "-text", "-in", etc("pki/sa.pub").toString());
        assertTrue(sa.contains("Public-Key: (2048 bit)"), sa);
        assertTrue(Files.readString(etc("pki/sa.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
        run("openssl", "rsa", "-check", "-noout", "-in", etc("pki/sa.key").toString());
        assertTrue(Files.readString(etc("pki/apiserver.key")).startsWith("-----BEGIN EC PRIVATE KEY-----\n"));
        String key = run("openssl", "ec", "-check", "-noout", "-text", "-in", etc("pki/apiserver.key").toString());
        assertTrue(key.contains("pub:") && key.contains("ASN1 OID: prime256v1"), key);
        String pubOfKey = run("openssl", "pkey", "-pubout", "-in", etc("pki/apiserver.key").toString());
        String pubOfCert = run("openssl", "x509", "-pubkey", "-noout", "-in", etc("pki/apiserver.crt").toString());
        assertEquals(pubOfCert, pubOfKey, "the key is the certificate's");
    }

    @Test
    void kubectlReadsTheKubeconfig() throws Exception {
        String out = run("kubectl", "--kubeconfig", etc("admin.conf").toString(), "config", "view", "--raw",
                "-o", "jsonpath={.current-context} {.clusters[0].cluster.server} {.users[0].name}");
        assertEquals("kubernetes-admin@kubernetes https://127.0.0.1:6443 kubernetes-admin", out);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    private Map<String, byte[]> contents() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                m.put(dir.resolve("etc").relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return m;
    }
}
