package io.kybernetes.controllers.certificates;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;

/** The API calls of the CSR controllers, an interface so tests can record them. */
public interface CsrApi {

    /** PUT .../certificatesigningrequests/{name}/status (a conflict throws: the controller retries). */
    void updateStatus(CertificateSigningRequest csr);

    /** Adds {@code condition} through the approval subresource. */
    void approve(CertificateSigningRequest csr, CertificateSigningRequestCondition condition);

    /** Whether a SubjectAccessReview of {@code spec} is allowed. */
    boolean allowed(SubjectAccessReviewSpec spec);
}
