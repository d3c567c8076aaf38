package io.kybernetes.controllers.certificates;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpecBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.launcher.pki.Csr;

/**
 * Approves the kubelets' client certificate requests as upstream's csrapproving does: a pending request of signer
 * kube-apiserver-client-kubelet that is a valid node client request (system:node:&lt;name&gt; in system:nodes) is
 * approved (condition Approved, reason AutoApproved) when its requester may create
 * certificatesigningrequests/selfnodeclient (renewing its own certificate) or /nodeclient (a bootstrap token
 * asking for a new node's), in API group certificates.k8s.io, as a SubjectAccessReview says. Other requests are
 * left to people ({@code kubectl certificate approve}).
 */
public final class CsrApprovingController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(CsrApprovingController.class);
    public static final String NAME = "csrapproving";

    /** A kind of request the approver recognizes and the permission its requester needs. */
    record Recognizer(String subresource, boolean self, String message) {
    }

    static final List<Recognizer> RECOGNIZERS = List.of(
            new Recognizer("selfnodeclient", true,
                    "Auto approving self kubelet client certificate after SubjectAccessReview."),
            new Recognizer("nodeclient", false, "Auto approving kubelet client certificate after SubjectAccessReview."));

    private final SharedIndexInformer<CertificateSigningRequest> csrs;
    private final CsrApi api;
    private final Clock clock;
    private final QueueController queue;

    public CsrApprovingController(Informers informers, CsrApi api, Clock clock, int workers) {
        this.csrs = informers.of(CertificateSigningRequest.class);
        this.api = api;
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
        if (csr == null || Conditions.issued(csr) || Conditions.has(csr, Conditions.APPROVED)
                || Conditions.has(csr, Conditions.DENIED)
                || !Signers.KUBE_APISERVER_CLIENT_KUBELET.equals(csr.getSpec().getSignerName())) {
            return Result.done();
        }
        Csr request;
        try {
            request = Csr.parse(new String(java.util.Base64.getDecoder().decode(csr.getSpec().getRequest()),
                    StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            LOG.debugf("%s: not a certificate request: %s", name, e.getMessage());
            return Result.done();
        }
        List<String> usages = csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
        if (Signers.kubeletClient(request, usages) != null) {
            return Result.done();
        }
        List<String> tried = new ArrayList<>();
        for (Recognizer r : RECOGNIZERS) {
            if (r.self() && !request.commonName().equals(csr.getSpec().getUsername())) {
                continue;
            }
            tried.add(r.subresource());
            if (api.allowed(new SubjectAccessReviewSpecBuilder().withUser(csr.getSpec().getUsername())
                    .withUid(csr.getSpec().getUid()).withGroups(csr.getSpec().getGroups())
                    .withExtra(csr.getSpec().getExtra() == null ? Map.of() : csr.getSpec().getExtra())
                    .withResourceAttributes(new ResourceAttributesBuilder().withGroup("certificates.k8s.io")
                            .withResource("certificatesigningrequests").withSubresource(r.subresource())
                            .withVerb("create").withVersion("*").build())
                    .build())) {
                String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
                try {
                    api.approve(csr, new CertificateSigningRequestConditionBuilder().withType(Conditions.APPROVED)
                            .withStatus("True").withReason("AutoApproved").withMessage(r.message())
                            .withLastUpdateTime(now).withLastTransitionTime(now).build());
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 404) {
                        return Result.done();
                    }
                    throw e;
                }
                LOG.infof("approved %s for %s requested by %s (%s)", name, request.commonName(),
                        csr.getSpec().getUsername(), r.subresource());
                return Result.done();
            }
        }
        // as upstream: recognized but not allowed is retried with back-off (a RoleBinding may come)
        LOG.debugf("recognized %s as %s but the subject access review was not approved", name, tried);
        return Result.requeue();
    }
}
