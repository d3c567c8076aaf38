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

import io.fabric8.kubernetes.api.model.Node;
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
 * asking for a new node's), in API group certificates.k8s.io, as a SubjectAccessReview says. A kubelet's serving
 * request (signer kubelet-serving) is approved when a node asks for its own name ({@link #servingRefusal}). Other
 * requests are left to people ({@code kubectl certificate approve}); nothing is ever denied here.
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
    private final SharedIndexInformer<Node> nodes;
    private final CsrApi api;
    private final Clock clock;
    private final QueueController queue;

    public CsrApprovingController(Informers informers, CsrApi api, Clock clock, int workers) {
        this.csrs = informers.of(CertificateSigningRequest.class);
        this.nodes = informers.of(Node.class);
        this.api = api;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(csrs, nodes);
        csrs.addEventHandler(queue.ownKeyHandler());
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String name) {
        CertificateSigningRequest csr = csrs.getIndexer().getByKey(name);
        String signer = csr == null ? null : csr.getSpec().getSignerName();
        if (csr == null || Conditions.issued(csr) || Conditions.has(csr, Conditions.APPROVED)
                || Conditions.has(csr, Conditions.DENIED)
                || !Signers.KUBE_APISERVER_CLIENT_KUBELET.equals(signer) && !Signers.KUBELET_SERVING.equals(signer)) {
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
        if (Signers.KUBELET_SERVING.equals(signer)) {
            return approveServing(csr, request, usages);
        }
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

    private Result approveServing(CertificateSigningRequest csr, Csr request, List<String> usages) {
        String name = csr.getMetadata().getName();
        List<String> groups = csr.getSpec().getGroups() == null ? List.of() : csr.getSpec().getGroups();
        String node = request.commonName().startsWith(Signers.NODE_PREFIX)
                ? request.commonName().substring(Signers.NODE_PREFIX.length()) : null;
        String why = servingRefusal(csr.getSpec().getUsername(), groups, request, usages,
                node == null ? null : nodes.getIndexer().getByKey(node));
        if (why != null) {
            LOG.debugf("%s: kubelet serving request left for people: %s", name, why);
            return Result.done();
        }
        String message = "Auto approving kubelet serving certificate: requested by node " + node
                + " for its own name" + (request.ipAddresses().isEmpty() ? "" : " and addresses");
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            api.approve(csr, new CertificateSigningRequestConditionBuilder().withType(Conditions.APPROVED)
                    .withStatus("True").withReason("AutoApproved").withMessage(message)
                    .withLastUpdateTime(now).withLastTransitionTime(now).build());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Result.done();
            }
            throw e;
        }
        LOG.infof("approved %s: kubelet serving certificate of node %s", name, node);
        return Result.done();
    }

    /**
     * Why a kubelet-serving request is not approved automatically, or null when it is: the requester must be the
     * node itself (user system:node:&lt;name&gt; in system:nodes, the request's common name), the request must pass
     * the signer's checks (O system:nodes, DNS/IP names only, serving usages) and, when the Node exists, each IP
     * must be one of its status.addresses, so a node cannot get a certificate for another's address.
     */
    static String servingRefusal(String username, List<String> groups, Csr request, List<String> usages,
            Node node) {
        if (!groups.contains(Signers.NODES)) {
            return "the requester is not in group " + Signers.NODES;
        }
        if (!request.commonName().equals(username)) {
            return "the requester " + username + " is not the subject " + request.commonName();
        }
        String invalid = Signers.kubeletServing(request, usages);
        if (invalid != null) {
            return invalid;
        }
        if (node != null) {
            java.util.Set<String> known = new java.util.HashSet<>();
            if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
                node.getStatus().getAddresses().forEach(a -> known.add(ip(a.getAddress())));
            }
            for (String ip : request.ipAddresses()) {
                if (!known.contains(ip(ip))) {
                    return "IP address " + ip + " is not an address of node " + node.getMetadata().getName();
                }
            }
        }
        return null;
    }

    /** An IP literal in one spelling (IPv6 has many); anything else as it is. */
    static String ip(String address) {
        if (address == null || !io.kybernetes.launcher.pki.CertSpec.isIpLiteral(address)) {
            return address;
        }
        try {
            return java.net.InetAddress.getByName(address).getHostAddress(); // a literal: no name lookup
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }
}
