package io.kybernetes.controllers.bootstrap;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/**
 * Upstream's tokencleaner: deletes a bootstrap token Secret (kube-system, type bootstrap.kubernetes.io/token) once
 * its expiration has passed, and looks at a token again when it is due. Secrets without an expiration, or with one
 * that cannot be read, stay (as upstream). The deletion carries the Secret's resourceVersion as a precondition, so
 * a token re-created or extended meanwhile is not taken with it.
 */
public final class TokenCleaner implements Reconciler {

    private static final Logger LOG = Logger.getLogger(TokenCleaner.class);
    public static final String NAME = "tokencleaner";

    private final SharedIndexInformer<Secret> secrets;
    private final KubernetesClient client;
    private final Clock clock;
    private final QueueController queue;

    public TokenCleaner(Informers informers, KubernetesClient client, Clock clock, int workers) {
        this.secrets = informers.of(Secret.class);
        this.client = client;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(secrets);
        secrets.addEventHandler(queue.handler((Secret s) -> TokenSecrets.isToken(s)
                ? java.util.List.of(QueueController.key(s)) : java.util.List.<String>of()));
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String key) {
        Secret s = secrets.getIndexer().getByKey(key);
        if (!TokenSecrets.isToken(s) || s.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        Instant expiration = TokenSecrets.expiration(s);
        if (expiration == null) {
            return Result.done();
        }
        Instant now = clock.instant();
        if (now.isBefore(expiration)) {
            return Result.requeueAfter(Duration.between(now, expiration).plusMillis(100));
        }
        try {
            client.secrets().inNamespace(s.getMetadata().getNamespace()).resource(s)
                    .lockResourceVersion(s.getMetadata().getResourceVersion()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
            return Result.done(); // gone, or another Secret of that name now: the informer brings it
        }
        LOG.infof("deleted expired bootstrap token %s (expired at %s)", key, expiration);
        return Result.done();
    }
}
