package io.kybernetes.kubelet.server;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The two webhooks of the kubelet's API, answered by the API server: TokenReview and SubjectAccessReview. */
final class ApiReviews implements KubeletAuthenticator.TokenReviewer, KubeletAuthorizer.AccessReviewer {

    private final KubernetesClient client;

    ApiReviews(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public KubeletUser review(String token) {
        TokenReview r = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
                .withNewSpec().withToken(token).endSpec().build());
        var s = r.getStatus();
        if (s == null || !Boolean.TRUE.equals(s.getAuthenticated()) || s.getUser() == null) {
            return null;
        }
        var u = s.getUser();
        return new KubeletUser(u.getUsername(), u.getUid() == null ? "" : u.getUid(),
                u.getGroups() == null ? List.of() : List.copyOf(u.getGroups()),
                u.getExtra() == null ? Map.of() : Map.copyOf(u.getExtra()));
    }

    @Override
    public boolean allowed(KubeletUser user, RequestAttributes a) {
        SubjectAccessReview r = client.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                .withNewSpec().withUser(user.name()).withUid(user.uid().isEmpty() ? null : user.uid())
                .withGroups(user.groups()).withExtra(user.extra().isEmpty() ? null : user.extra())
                .withNewResourceAttributes().withVerb(a.verb()).withGroup("").withVersion("v1").withResource("nodes")
                .withSubresource(a.subresource()).withName(a.node()).endResourceAttributes()
                .endSpec().build());
        return r.getStatus() != null && Boolean.TRUE.equals(r.getStatus().getAllowed());
    }
}
