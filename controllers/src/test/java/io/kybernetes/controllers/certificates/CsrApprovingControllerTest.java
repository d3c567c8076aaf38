package io.kybernetes.controllers.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.Result;
import io.kybernetes.launcher.pki.CertSpec;
import io.kybernetes.launcher.pki.Csr;
import io.kybernetes.launcher.pki.KeyPairs;
import io.kybernetes.launcher.pki.KeyUsages;

/**
 * Which requests the approver approves, after which SubjectAccessReviews: the requester's permissions are the
 * subresources a fake authorizer allows.
 */
class CsrApprovingControllerTest {

    final MockApi mock = new MockApi();

    @AfterEach
    void close() {
        mock.close();
    }

    /** Records the calls; allows the SubjectAccessReviews whose subresource is in {@code allowed}. */
    static final class FakeApi implements CsrApi {
        final Set<String> allowed;
        final List<String> reviews = new ArrayList<>();
        final List<CertificateSigningRequestCondition> approvals = new ArrayList<>();

        FakeApi(Set<String> allowed) {
            this.allowed = allowed;
        }

        @Override
        public void updateStatus(CertificateSigningRequest csr) {
            throw new AssertionError("the approver never writes status");
        }

        @Override
        public void approve(CertificateSigningRequest csr, CertificateSigningRequestCondition condition) {
            approvals.add(condition);
        }

        @Override
        public boolean allowed(SubjectAccessReviewSpec spec) {
            var a = spec.getResourceAttributes();
            reviews.add(spec.getUser() + " " + a.getVerb() + " " + a.getGroup() + "/" + a.getResource() + "/"
                    + a.getSubresource());
            return allowed.contains(a.getSubresource());
        }
    }

    static List<String> list(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.split(","));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "node renews its own|kube-apiserver-client-kubelet|system:node:n1|system:node:n1|selfnodeclient,nodeclient|"
            + "system:node:n1 create certificates.k8s.io/certificatesigningrequests/selfnodeclient|"
            + "Auto approving self kubelet client certificate after SubjectAccessReview.|done",
        "bootstrap token asks for a new node|kube-apiserver-client-kubelet|system:bootstrap:abcdef|system:node:n1|nodeclient|"
            + "system:bootstrap:abcdef create certificates.k8s.io/certificatesigningrequests/nodeclient|"
            + "Auto approving kubelet client certificate after SubjectAccessReview.|done",
        "node renews but may only bootstrap|kube-apiserver-client-kubelet|system:node:n1|system:node:n1|nodeclient|"
            + "system:node:n1 create certificates.k8s.io/certificatesigningrequests/selfnodeclient,"
            + "system:node:n1 create certificates.k8s.io/certificatesigningrequests/nodeclient|"
            + "Auto approving kubelet client certificate after SubjectAccessReview.|done",
        "node asks for another node|kube-apiserver-client-kubelet|system:node:n2|system:node:n1|selfnodeclient|"
            + "system:node:n2 create certificates.k8s.io/certificatesigningrequests/nodeclient|-|requeue",
        "nobody allowed|kube-apiserver-client-kubelet|jane|system:node:n1|-|"
            + "jane create certificates.k8s.io/certificatesigningrequests/nodeclient|-|requeue",
        "serving request from outside system:nodes|kubelet-serving|system:node:n1|system:node:n1|selfnodeclient,nodeclient|-|-|done",
        "client requests are for people|kube-apiserver-client|system:node:n1|system:node:n1|selfnodeclient,nodeclient|-|-|done"})
    void approves(String name, String signer, String requester, String cn, String allowed, String reviews,
            String message, String result) throws Exception {
        FakeApi api = new FakeApi(Set.copyOf(list(allowed)));
        Informers informers = new Informers(mock.client);
        CsrApprovingController c = new CsrApprovingController(informers, api, Clock.systemUTC(), 1);
        boolean serving = signer.equals("kubelet-serving");
        String pem = Csr.create(serving ? CertSpec.withSans(cn, List.of("system:nodes"), List.of("n1"),
                KeyUsages.SERVER) : CertSpec.client(cn, "system:nodes"), KeyPairs.ecdsa());
        mock.client.certificates().v1().certificateSigningRequests().resource(new CertificateSigningRequestBuilder()
                .withNewMetadata().withName("csr-1").endMetadata().withNewSpec()
                .withSignerName("kubernetes.io/" + signer).withUsername(requester)
                .withGroups("system:authenticated")
                .withRequest(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)))
                .withUsages(KeyUsages.DIGITAL_SIGNATURE, serving ? KeyUsages.SERVER_AUTH : KeyUsages.CLIENT_AUTH)
                .endSpec().build()).create();
        informers.start().get(30, java.util.concurrent.TimeUnit.SECONDS); // the queue's workers are not started

        Result r = c.reconcile("csr-1");

        assertEquals(list(reviews), api.reviews);
        assertEquals(result.equals("done") ? Result.done() : Result.requeue(), r);
        if (message == null) {
            assertEquals(List.of(), api.approvals);
        } else {
            assertEquals(1, api.approvals.size());
            CertificateSigningRequestCondition a = api.approvals.get(0);
            assertEquals(List.of("Approved", "True", "AutoApproved", message),
                    List.of(a.getType(), a.getStatus(), a.getReason(), a.getMessage()));
        }
        informers.stop();
    }
}
