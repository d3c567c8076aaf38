package io.kybernetes.kubelet.certificate;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.KeyPairs;
import io.kybernetes.launcher.pki.KeyUsages;
import io.kybernetes.launcher.pki.Pem;

/**
 * A certificate the kubelet asks the cluster for: a fresh ECDSA P-256 key, a PKCS#10 request for it in a
 * {@code certificates.k8s.io/v1} CertificateSigningRequest (generateName {@code csr-}), then the wait until the
 * request is approved and signed ({@code status.certificate}), refused (Denied, Failed) or the timeout passes.
 *
 * @param signerName who is to sign it (kubernetes.io/kube-apiserver-client-kubelet, kubernetes.io/kubelet-serving)
 * @param spec       subject and subject alternative names; its usages go into the object's {@code spec.usages}
 */
public record CertificateRequest(String signerName, CertSpec spec) {

    private static final Logger LOG = Logger.getLogger(CertificateRequest.class);
    public static final String CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
    public static final String SERVING_SIGNER = "kubernetes.io/kubelet-serving";
    public static final String NODES_GROUP = "system:nodes";
    /** How often the request is read back while it waits (a poll: one GET a second for a few seconds, once a year). */
    static Duration pollInterval = Duration.ofSeconds(1);

    /** The node's client certificate: user system:node:NAME in group system:nodes, for client auth (EC key). */
    public static CertificateRequest client(String nodeName) {
        return new CertificateRequest(CLIENT_SIGNER, new CertSpec("system:node:" + nodeName, List.of(NODES_GROUP),
                List.of(), List.of(), List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.CLIENT_AUTH),
                CertSpec.LEAF_VALIDITY));
    }

    /** The node's serving certificate for its host name and IP addresses, for server auth (EC key). */
    public static CertificateRequest serving(String nodeName, List<String> hostnames, List<String> ips) {
        return new CertificateRequest(SERVING_SIGNER, new CertSpec("system:node:" + nodeName, List.of(NODES_GROUP),
                hostnames, ips, List.of(KeyUsages.DIGITAL_SIGNATURE, KeyUsages.SERVER_AUTH),
                CertSpec.LEAF_VALIDITY));
    }

    /** The CertificateSigningRequest object for {@code keys} (not yet created). */
    public CertificateSigningRequest object(KeyPair keys) {
        String pem = Csr.create(spec, keys);
        return new CertificateSigningRequestBuilder()
                .withNewMetadata().withGenerateName("csr-").endMetadata()
                .withNewSpec()
                .withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)))
                .withSignerName(signerName)
                .withUsages(spec.usages())
                .endSpec()
                .build();
    }

    /** The issued chain and its key. */
    public record Result(List<X509Certificate> chain, java.security.PrivateKey key) {
        public X509Certificate leaf() {
            return chain.get(0);
        }
    }

    /**
     * Creates the request with {@code client} and waits for its certificate.
     *
     * @throws CertificateRequestException when it is refused, malformed, or not issued within {@code timeout}
     */
    public Result submit(KubernetesClient client, Duration timeout, Clock clock) throws CertificateRequestException {
        KeyPair keys = KeyPairs.ecdsa();
        CertificateSigningRequest created;
        try {
            created = client.certificates().v1().certificateSigningRequests().resource(object(keys)).create();
        } catch (RuntimeException e) {
            throw new CertificateRequestException("cannot create a CertificateSigningRequest for " + spec.commonName()
                    + " (signer " + signerName + "): " + e.getMessage(), e);
        }
        String name = created.getMetadata().getName();
        LOG.infof("CertificateSigningRequest %s created for %s (signer %s); waiting for approval and signing", name,
                spec.commonName(), signerName);
        Instant deadline = clock.instant().plus(timeout);
        CertificateSigningRequest csr = created;
        while (true) {
            String refused = refusal(csr);
            if (refused != null) {
                throw new CertificateRequestException("CertificateSigningRequest " + name + " was " + refused);
            }
            String cert = csr.getStatus() == null ? null : csr.getStatus().getCertificate();
            if (cert != null && !cert.isEmpty()) {
                return result(name, cert, keys);
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new CertificateRequestException("timed out after " + timeout + " waiting for "
                        + "CertificateSigningRequest " + name + " (" + spec.commonName() + ", signer " + signerName
                        + ") to be approved and issued");
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CertificateRequestException("interrupted waiting for CertificateSigningRequest " + name);
            }
            try {
                CertificateSigningRequest latest = client.certificates().v1().certificateSigningRequests()
                        .withName(name).get();
                if (latest == null) {
                    throw new CertificateRequestException("CertificateSigningRequest " + name
                            + " was deleted before it was issued");
                }
                csr = latest;
            } catch (RuntimeException e) {
                LOG.debugf("reading CertificateSigningRequest %s: %s", name, e.getMessage());
            }
        }
    }

    private static String refusal(CertificateSigningRequest csr) {
        if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
            return null;
        }
        for (CertificateSigningRequestCondition c : csr.getStatus().getConditions()) {
            if (("Denied".equals(c.getType()) || "Failed".equals(c.getType())) && !"False".equals(c.getStatus())) {
                return c.getType().toLowerCase() + (c.getReason() == null ? "" : " (" + c.getReason() + ")")
                        + (c.getMessage() == null ? "" : ": " + c.getMessage());
            }
        }
        return null;
    }

    private static Result result(String name, String certificate, KeyPair keys) throws CertificateRequestException {
        try {
            List<X509Certificate> chain = Pem.certificates(new String(Base64.getDecoder().decode(certificate),
                    StandardCharsets.US_ASCII));
            if (!chain.get(0).getPublicKey().equals(keys.getPublic())) {
                throw new CertificateRequestException("the certificate of CertificateSigningRequest " + name
                        + " is not for the requested key");
            }
            return new Result(chain, keys.getPrivate());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CertificateRequestException("the certificate of CertificateSigningRequest " + name
                    + " cannot be read: " + e.getMessage(), e);
        }
    }
}
