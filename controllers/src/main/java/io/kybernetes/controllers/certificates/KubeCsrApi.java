package io.kybernetes.controllers.certificates;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;

/** {@link CsrApi} through fabric8. */
public final class KubeCsrApi implements CsrApi {

    private final KubernetesClient client;

    public KubeCsrApi(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public void updateStatus(CertificateSigningRequest csr) {
        client.certificates().v1().certificateSigningRequests().resource(csr).updateStatus();
    }

    @Override
    public void approve(CertificateSigningRequest csr, CertificateSigningRequestCondition condition) {
        client.certificates().v1().certificateSigningRequests().withName(csr.getMetadata().getName())
                .approve(condition);
    }

    @Override
    public boolean allowed(SubjectAccessReviewSpec spec) {
        SubjectAccessReview review = client.authorization().v1().subjectAccessReview()
                .create(new SubjectAccessReviewBuilder().withSpec(spec).build());
        return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    }
}
