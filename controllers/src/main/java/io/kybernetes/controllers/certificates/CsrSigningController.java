package io.kybernetes.controllers.certificates;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.launcher.pki.CertificateAuthority;
import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.Pem;

/**
 * Issues certificates for approved CertificateSigningRequests of the signers in {@link Signers#SIGNED} with the
 * cluster CA (--cluster-signing-cert-file/--cluster-signing-key-file): status.certificate is the PEM certificate,
 * valid --cluster-signing-duration or the shorter spec.expirationSeconds (at least 10 minutes). A request the
 * signer may not sign gets the condition Failed, reason SignerValidationFailure.
 */
public final class CsrSigningController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(CsrSigningController.class);
    public static final String NAME = "csrsigning";
    static final Duration MIN_EXPIRATION = Duration.ofMinutes(10);

    private final SharedIndexInformer<CertificateSigningRequest> csrs;
    private final CsrApi api;
    private final CertificateAuthority ca;
    private final Duration duration;
    private final Clock clock;
    private final QueueController queue;

    public CsrSigningController(Informers informers, CsrApi api, CertificateAuthority ca, Duration duration,
            Clock clock, int workers) {
        this.csrs = informers.of(CertificateSigningRequest.class);
        this.api = api;
        this.ca = ca;
        this.duration = duration;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(csrs);
        csrs.addEventHandler(queue.ownKeyHandler());
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String name) {
        CertificateSigningRequest csr = csrs.getIndexer().getByKey(name);
        if (csr == null || !Conditions.has(csr, Conditions.APPROVED) || Conditions.has(csr, Conditions.FAILED)
                || Conditions.issued(csr) || !Signers.SIGNED.contains(csr.getSpec().getSignerName())) {
            return Result.done();
        }
        List<String> usages = csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
        Csr request;
        try {
            request = Csr.parse(new String(Base64.getDecoder().decode(csr.getSpec().getRequest()),
                    StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            return fail(csr, "unable to parse csr \"" + name + "\": " + e.getMessage());
        }
        String invalid = Signers.invalid(csr.getSpec().getSignerName(), request, usages);
        if (invalid != null) {
            return fail(csr, invalid);
        }
        X509Certificate cert = ca.sign(request, usages, validity(csr), clock);
        CertificateSigningRequest copy = new CertificateSigningRequestBuilder(csr).build();
        copy.getStatus().setCertificate(Base64.getEncoder().encodeToString(
                Pem.encode(cert).getBytes(StandardCharsets.US_ASCII)));
        try {
            api.updateStatus(copy);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Result.done();
            }
            throw e; // a conflict: the queue retries with the newer object
        }
        LOG.infof("signed %s for %s (%s), valid until %s", name, request.commonName(),
                csr.getSpec().getSignerName(), cert.getNotAfter().toInstant());
        return Result.done();
    }

    Duration validity(CertificateSigningRequest csr) {
        Integer seconds = csr.getSpec().getExpirationSeconds();
        if (seconds == null) {
            return duration;
        }
        Duration asked = Duration.ofSeconds(Math.max(seconds, MIN_EXPIRATION.toSeconds()));
        return asked.compareTo(duration) < 0 ? asked : duration;
    }

    private Result fail(CertificateSigningRequest csr, String message) {
        CertificateSigningRequest copy = new CertificateSigningRequestBuilder(csr).build();
        if (copy.getStatus() == null) {
            copy.setStatus(new CertificateSigningRequestStatus());
        }
        List<io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition> conditions =
                new ArrayList<>(copy.getStatus().getConditions() == null ? List.of()
                        : copy.getStatus().getConditions());
        String now = Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        conditions.add(new CertificateSigningRequestConditionBuilder().withType(Conditions.FAILED)
                .withStatus("True").withReason("SignerValidationFailure").withMessage(message)
                .withLastUpdateTime(now).withLastTransitionTime(now).build());
        copy.getStatus().setConditions(conditions);
        try {
            api.updateStatus(copy);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Result.done();
            }
            throw e;
        }
        LOG.infof("refused to sign %s: %s", csr.getMetadata().getName(), message);
        return Result.done();
    }
}
