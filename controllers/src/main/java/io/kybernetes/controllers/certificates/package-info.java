/**
 * The CertificateSigningRequest controllers, running only with --cluster-signing-cert-file and
 * --cluster-signing-key-file ({@link io.kybernetes.controllers.certificates.ClusterSigning}):
 * {@link io.kybernetes.controllers.certificates.CsrSigningController} ("csrsigning") issues certificates for
 * approved requests of the built-in signers after upstream's checks ({@link io.kybernetes.controllers.certificates.Signers}),
 * {@link io.kybernetes.controllers.certificates.CsrApprovingController} ("csrapproving") approves node client
 * requests after a SubjectAccessReview of certificatesigningrequests/nodeclient or /selfnodeclient.
 */
package io.kybernetes.controllers.certificates;
