package io.kybernetes.controllers.certificates;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.controllers.ControllerManager;
import io.kybernetes.controllers.nodeipam.RangeAllocator;
import io.kybernetes.controllers.realapi.RealApiServer;
import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.CertificateAuthority;
import io.kybernetes.launcher.pki.Certificates;
import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.KeyPairs;
import io.kybernetes.launcher.pki.KeyUsages;
import io.kybernetes.launcher.pki.Pem;

/**
 * The CSR signer and approver against the real kybernetes apiserver on a real etcd (no authorization there, so
 * every SubjectAccessReview is allowed): a kubelet client request is auto-approved and signed, a serving request
 * made by someone other than the node itself (anonymous here) waits for a person's approval, invalid requests fail with SignerValidationFailure, other signers are left alone.
 */
class CertificatesRealApiServerTest {

    static RealApiServer api;
    static KubernetesClient client;
    static ControllerManager.Running running;
    static CertificateAuthority ca;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RealApiServer.available(), "apiserver jar or etcd missing");
        dir = Files.createTempDirectory(Path.of("/tmp"), "controllers-it-pki-");
        ca = CertificateAuthority.create("kubernetes", Clock.systemUTC());
        Pem.writeCertificate(dir.resolve("ca.crt"), ca.cert());
        Pem.writePrivateKey(dir.resolve("ca.key"), ca.key());
        api = new RealApiServer();
        client = api.client();
        running = ControllerManager.start(client, List.of(CsrSigningController.NAME, CsrApprovingController.NAME), 1,
                List.of(), ControllerManager.HpaSettings.DEFAULT, RangeAllocator.Settings.DISABLED,
                ControllerManager.StorageSettings.DEFAULT, new ClusterSigning(dir.resolve("ca.crt").toString(),
                        dir.resolve("ca.key").toString(), Duration.ofHours(8760)), null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static CertificateSigningRequest create(String name, String signer, CertSpec subject, List<String> usages,
            Integer expirationSeconds) {
        String pem = Csr.create(subject, KeyPairs.ecdsa());
        return client.certificates().v1().certificateSigningRequests().resource(new CertificateSigningRequestBuilder()
                .withNewMetadata().withName(name).endMetadata().withNewSpec().withSignerName(signer)
                .withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)))
                .withUsages(usages).withExpirationSeconds(expirationSeconds).endSpec().build()).create();
    }

    static CertificateSigningRequest get(String name) {
        return client.certificates().v1().certificateSigningRequests().withName(name).get();
    }

    static CertificateSigningRequestCondition condition(CertificateSigningRequest csr, String type) {
        if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
            return null;
        }
        return csr.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElse(null);
    }

    static X509Certificate issued(String name) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> Conditions.issued(get(name)));
        return Pem.certificate(new String(Base64.getDecoder().decode(get(name).getStatus().getCertificate()),
                StandardCharsets.US_ASCII));
    }

    static void approve(String name) {
        client.certificates().v1().certificateSigningRequests().withName(name).approve();
    }

    @Test
    void kubeletClientRequestIsAutoApprovedAndSigned() throws Exception {
        create("node-csr-n1", Signers.KUBE_APISERVER_CLIENT_KUBELET,
                CertSpec.client("system:node:n1", "system:nodes"),
                List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.CLIENT_AUTH), 3600);
        X509Certificate cert = issued("node-csr-n1");
        CertificateSigningRequestCondition approved = condition(get("node-csr-n1"), "Approved");
        assertEquals("True", approved.getStatus());
        assertEquals("AutoApproved", approved.getReason());
        // the requester (anonymous here) is not the node itself: the bootstrap permission was checked
        assertEquals("Auto approving kubelet client certificate after SubjectAccessReview.", approved.getMessage());
        assertTrue(ca.signed(cert));
        assertEquals("system:node:n1", Certificates.commonName(cert));
        assertEquals(List.of("system:nodes"), Certificates.organizations(cert));
        assertEquals(List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.CLIENT_AUTH), Certificates.usages(cert));
        Duration left = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
        assertTrue(left.compareTo(Duration.ofMinutes(59)) > 0 && left.compareTo(Duration.ofMinutes(61)) < 0,
                "expirationSeconds 3600 honoured: " + left);
    }

    @Test
    void servingRequestWaitsForApprovalThenIsSignedForItsNames() throws Exception {
        create("serving-n1", Signers.KUBELET_SERVING, CertSpec.withSans("system:node:n1", List.of("system:nodes"),
                List.of("n1", "192.0.2.2"), KeyUsages.SERVER), List.of(KeyUsages.DIGITAL_SIGNATURE,
                        KeyUsages.KEY_ENCIPHERMENT, KeyUsages.SERVER_AUTH), null);
        Thread.sleep(2000);
        CertificateSigningRequest pending = get("serving-n1");
        assertNull(condition(pending, "Approved"), "only a node's own serving requests are auto-approved");
        assertFalse(Conditions.issued(pending));
        approve("serving-n1");
        X509Certificate cert = issued("serving-n1");
        assertTrue(ca.signed(cert));
        assertEquals(List.of("n1"), Certificates.dnsNames(cert));
        assertEquals(List.of("192.0.2.2"), Certificates.ipAddresses(cert));
        assertEquals(List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.KEY_ENCIPHERMENT, KeyUsages.SERVER_AUTH),
                Certificates.usages(cert));
        Duration left = Duration.between(Instant.now(), cert.getNotAfter().toInstant());
        assertTrue(left.compareTo(Duration.ofDays(364)) > 0, "--cluster-signing-duration: " + left);
    }

    @Test
    void apiserverClientRequestSignedAfterApproval() throws Exception {
        create("jane", Signers.KUBE_APISERVER_CLIENT, CertSpec.client("jane", "dev"),
                List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.KEY_ENCIPHERMENT, KeyUsages.CLIENT_AUTH), 600);
        approve("jane");
        X509Certificate cert = issued("jane");
        assertEquals("jane", Certificates.commonName(cert));
        assertEquals(List.of("dev"), Certificates.organizations(cert));
    }

    @Test
    void invalidRequestsFailWithSignerValidationFailure() {
        create("bad-usage", Signers.KUBE_APISERVER_CLIENT, CertSpec.client("jane"),
                List.of(KeyUsages.CLIENT_AUTH, KeyUsages.SERVER_AUTH), null);
        create("bad-node", Signers.KUBE_APISERVER_CLIENT_KUBELET, CertSpec.withSans("system:node:n2",
                List.of("system:nodes"), List.of("n2"), KeyUsages.CLIENT),
                List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.CLIENT_AUTH), null);
        approve("bad-usage");
        approve("bad-node"); // the approver left it alone (not a valid node client request); a person approves
        for (String[] c : new String[][] {{"bad-usage", "invalid usage for client certificate: server auth"},
            {"bad-node", "DNS subjectAltNames are not allowed"}}) {
            await().atMost(Duration.ofSeconds(30)).until(() -> condition(get(c[0]), "Failed") != null);
            CertificateSigningRequestCondition failed = condition(get(c[0]), "Failed");
            assertEquals("SignerValidationFailure", failed.getReason());
            assertEquals(c[1], failed.getMessage());
            assertFalse(Conditions.issued(get(c[0])));
            assertEquals("Approved", get(c[0]).getStatus().getConditions().get(0).getType());
        }
    }

    @Test
    void otherSignersAreLeftAlone() throws Exception {
        create("other", "example.com/other", CertSpec.client("system:node:n3", "system:nodes"),
                List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.CLIENT_AUTH), null);
        approve("other");
        Thread.sleep(2000);
        CertificateSigningRequest csr = get("other");
        assertFalse(Conditions.issued(csr));
        assertNull(condition(csr, "Failed"));
        assertEquals(1, csr.getStatus().getConditions().size());
    }
}
