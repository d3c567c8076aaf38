package io.kybernetes.kubelet.certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.CertificateAuthority;
import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.Issued;
import io.kybernetes.launcher.pki.KeyUsages;
import io.kybernetes.launcher.pki.Pem;

/**
 * TLS bootstrap and rotation against fabric8's mock API server (CRUD mode), with a signer thread playing the
 * controllers: it approves and signs every pending request with a test CA, or denies them.
 */
@EnableKubernetesMockClient(crud = true)
class TlsBootstrapTest {

    static final CertificateAuthority CA = CertificateAuthority.create("test-ca", Clock.systemUTC());

    KubernetesClient client;

    @TempDir
    Path dir;

    private Thread signer;
    private final AtomicBoolean deny = new AtomicBoolean();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger signed = new AtomicInteger();
    /** Validity and clock of the certificates the signer issues. */
    private volatile Duration validity = Duration.ofDays(365);
    private volatile Clock signingClock = Clock.systemUTC();

    @BeforeEach
    void startSigner() {
        CertificateRequest.pollInterval = Duration.ofMillis(100);
        signer = new Thread(() -> {
            while (!stop.get()) {
                for (CertificateSigningRequest csr : client.certificates().v1().certificateSigningRequests().list()
                        .getItems()) {
                    if (csr.getStatus() != null && csr.getStatus().getConditions() != null
                            && !csr.getStatus().getConditions().isEmpty()) {
                        continue;
                    }
                    try {
                        if (deny.get()) {
                            csr.setStatus(new CertificateSigningRequestStatusBuilder().addToConditions(
                                    new CertificateSigningRequestConditionBuilder().withType("Denied")
                                            .withStatus("True").withReason("NotThisTime").build()).build());
                        } else {
                            Csr request = Csr.parse(new String(Base64.getDecoder().decode(csr.getSpec().getRequest()),
                                    StandardCharsets.US_ASCII));
                            var cert = CA.sign(request, csr.getSpec().getUsages(), validity, signingClock);
                            csr.setStatus(new CertificateSigningRequestStatusBuilder().addToConditions(
                                    new CertificateSigningRequestConditionBuilder().withType("Approved")
                                            .withStatus("True").withReason("Test").build())
                                    .withCertificate(Base64.getEncoder().encodeToString(
                                            Pem.encode(cert).getBytes(StandardCharsets.US_ASCII)))
                                    .build());
                            signed.incrementAndGet();
                        }
                        client.certificates().v1().certificateSigningRequests().resource(csr).update();
                    } catch (Exception e) {
                        // the next round retries
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-signer");
        signer.setDaemon(true);
        signer.start();
    }

    @AfterEach
    void stopSigner() throws InterruptedException {
        stop.set(true);
        signer.join(5000);
        CertificateRequest.pollInterval = Duration.ofSeconds(1);
    }

    private Path bootstrapKubeconfig() throws Exception {
        Path f = dir.resolve("bootstrap-kubelet.conf");
        Files.writeString(f, "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: " + client.getMasterUrl()
                + "\n    insecure-skip-tls-verify: true\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: tls-bootstrap\n"
                + "  name: boot\ncurrent-context: boot\nusers:\n- name: tls-bootstrap\n  user:\n"
                + "    token: abcdef.0123456789abcdef\n");
        return f;
    }

    @Test
    void clientCsrAsUpstreamAsksForIt() throws Exception {
        CertificateSigningRequest o = CertificateRequest.client("node-1").object(
                io.kybernetes.launcher.pki.KeyPairs.ecdsa());
        assertEquals("csr-", o.getMetadata().getGenerateName());
        assertEquals("kubernetes.io/kube-apiserver-client-kubelet", o.getSpec().getSignerName());
        assertEquals(List.of("digital signature", "client auth"), o.getSpec().getUsages());
        Csr csr = Csr.parse(new String(Base64.getDecoder().decode(o.getSpec().getRequest()), StandardCharsets.US_ASCII));
        assertEquals("system:node:node-1", csr.commonName());
        assertEquals(List.of("system:nodes"), csr.organizations());
        assertTrue(csr.dnsNames().isEmpty() && csr.ipAddresses().isEmpty());
        assertTrue(csr.publicKey() instanceof ECPublicKey);
        assertEquals("secp256r1", ((ECPublicKey) csr.publicKey()).getParams().toString().contains("1.2.840.10045.3.1.7")
                ? "secp256r1" : curve(csr));
    }

    private static String curve(Csr csr) {
        return ((ECPublicKey) csr.publicKey()).getParams().getCurve().getField().getFieldSize() == 256 ? "secp256r1"
                : "other";
    }

    @Test
    void servingCsrNamesTheNodesHostnameAndIp() throws Exception {
        CertificateSigningRequest o = CertificateRequest.serving("node-1", List.of("node-1"), List.of("192.0.2.7"))
                .object(io.kybernetes.launcher.pki.KeyPairs.ecdsa());
        assertEquals("kubernetes.io/kubelet-serving", o.getSpec().getSignerName());
        assertEquals(List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.SERVER_AUTH), o.getSpec().getUsages());
        Csr csr = Csr.parse(new String(Base64.getDecoder().decode(o.getSpec().getRequest()), StandardCharsets.US_ASCII));
        assertEquals("system:node:node-1", csr.commonName());
        assertEquals(List.of("system:nodes"), csr.organizations());
        assertEquals(List.of("node-1"), csr.dnsNames());
        assertEquals(List.of("192.0.2.7"), csr.ipAddresses());
    }

    @Test
    void bootstrapWritesCertificateAndKubeconfigThenReusesThem() throws Exception {
        Path kubeconfig = dir.resolve("kubelet.conf");
        CertificateStore store = new CertificateStore(dir.resolve("pki"), "client", Clock.systemUTC());
        assertFalse(TlsBootstrap.usable(kubeconfig, Clock.systemUTC()));

        assertTrue(TlsBootstrap.run(kubeconfig, bootstrapKubeconfig(), store, "node-1", Duration.ofSeconds(20),
                Clock.systemUTC()));
        assertEquals(1, signed.get());
        Issued issued = store.current().orElseThrow();
        assertEquals("CN=system:node:node-1,O=system:nodes", issued.cert().getSubjectX500Principal().getName());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                store.currentPath().toRealPath())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig)));
        Config written = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        assertEquals(store.currentPath().toString(), written.getClientCertFile());
        assertEquals(store.currentPath().toString(), written.getClientKeyFile());
        assertEquals(client.getMasterUrl().toString().replaceAll("/$", ""), written.getMasterUrl().replaceAll("/$", ""));
        assertTrue(TlsBootstrap.usable(kubeconfig, Clock.systemUTC()));

        // the node's client reads the certificate through its key manager, and works
        try (KubernetesClient node = NodeClients.fromKubeconfig(kubeconfig, true)) {
            assertEquals(1, node.certificates().v1().certificateSigningRequests().list().getItems().size());
        }
        // a restart: nothing new is requested
        assertFalse(TlsBootstrap.run(kubeconfig, bootstrapKubeconfig(), store, "node-1", Duration.ofSeconds(20),
                Clock.systemUTC()));
        // the kubeconfig lost: rewritten from the valid certificate in the store, still without a request
        Files.delete(kubeconfig);
        assertTrue(TlsBootstrap.run(kubeconfig, bootstrapKubeconfig(), store, "node-1", Duration.ofSeconds(20),
                Clock.systemUTC()));
        assertEquals(1, signed.get());
        assertEquals(issued.cert(), store.current().orElseThrow().cert());
        // the certificate expired (seen from two years on): unusable, a new one is requested
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(730)), ZoneOffset.UTC);
        assertFalse(TlsBootstrap.usable(kubeconfig, later));
    }

    @Test
    void deniedRequestIsAnError() throws Exception {
        deny.set(true);
        CertificateStore store = new CertificateStore(dir.resolve("pki"), "client", Clock.systemUTC());
        CertificateRequestException e = assertThrows(CertificateRequestException.class, () -> TlsBootstrap.run(
                dir.resolve("kubelet.conf"), bootstrapKubeconfig(), store, "node-1", Duration.ofSeconds(20),
                Clock.systemUTC()));
        assertTrue(e.getMessage().contains("was denied (NotThisTime)"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("kubelet.conf")));
    }

    @Test
    void unsignedRequestTimesOut() throws Exception {
        stop.set(true);
        signer.join(5000);
        CertificateStore store = new CertificateStore(dir.resolve("pki"), "client", Clock.systemUTC());
        CertificateRequestException e = assertThrows(CertificateRequestException.class, () -> TlsBootstrap.run(
                dir.resolve("kubelet.conf"), bootstrapKubeconfig(), store, "node-1", Duration.ofMillis(500),
                Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("timed out after PT0.5S waiting for CertificateSigningRequest csr-"),
                e.getMessage());
    }

    @Test
    void managerRenewsPastTheDeadlineAndKeepsAFreshCertificate() throws Exception {
        CertificateStore store = new CertificateStore(dir.resolve("pki"), "server", Clock.systemUTC());
        // a certificate of ten days, nine of them gone: past 70-90%
        Clock nineDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(9)), ZoneOffset.UTC);
        Issued old = CA.issue(CertSpec.server("system:node:node-1", List.of("node-1")).withValidity(Duration.ofDays(10)),
                nineDaysAgo);
        store.update(List.of(old.cert()), old.key());
        AtomicInteger rotations = new AtomicInteger();
        try (CertificateManager m = new CertificateManager("serving", store,
                () -> CertificateRequest.serving("node-1", List.of("node-1"), List.of("192.0.2.7")), () -> client,
                ServingPlaceholder::issued, rotations::incrementAndGet, Duration.ofSeconds(20), Clock.systemUTC(),
                () -> 0.5)) {
            m.check();
            assertEquals(1, rotations.get());
            Issued now = store.current().orElseThrow();
            assertTrue(now.cert().getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(300))));
            assertEquals(List.of(2, 7), List.of(now.cert().getSubjectAlternativeNames().stream()
                    .map(l -> (Integer) l.get(0)).toArray()));
            // the fresh one is kept until 80% of its year
            m.check();
            assertEquals(1, rotations.get());
            Instant expected = RotationDeadline.of(now.cert(), () -> 0.5);
            assertEquals(expected, m.deadline());
        }
    }

    @Test
    void managerReplacesThePlaceholder() throws Exception {
        ServingPlaceholder.ensure(dir.resolve("pki"), "node-1");
        CertificateStore store = new CertificateStore(dir.resolve("pki"), "server", Clock.systemUTC());
        AtomicInteger rotations = new AtomicInteger();
        try (CertificateManager m = new CertificateManager("serving", store,
                () -> CertificateRequest.serving("node-1", List.of("node-1"), List.of("192.0.2.7")), () -> client,
                ServingPlaceholder::issued, rotations::incrementAndGet, Duration.ofSeconds(20), Clock.systemUTC(),
                () -> 0.5)) {
            m.check();
        }
        assertEquals(1, rotations.get());
        assertTrue(CA.signed(store.current().orElseThrow().cert()));
    }
}
