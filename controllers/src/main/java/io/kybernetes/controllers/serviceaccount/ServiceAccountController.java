package io.kybernetes.controllers.serviceaccount;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/** Ensures a ServiceAccount named "default" in every active namespace (recreated if deleted). */
public final class ServiceAccountController implements Reconciler {

    private static final Logger LOG = Logger.getLogger(ServiceAccountController.class);
    public static final String NAME = "serviceaccount";
    static final String DEFAULT = "default";

    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<ServiceAccount> accounts;
    private final KubernetesClient client;
    private final QueueController queue;

    public ServiceAccountController(Informers informers, KubernetesClient client, int workers) {
        this.namespaces = informers.of(Namespace.class);
        this.accounts = informers.of(ServiceAccount.class);
        this.client = client;
        this.queue = new QueueController(NAME, this, workers).dependsOn(namespaces, accounts);
        namespaces.addEventHandler(queue.ownKeyHandler());
        accounts.addEventHandler(queue.handler((ServiceAccount sa) -> DEFAULT.equals(sa.getMetadata().getName())
                ? List.of(sa.getMetadata().getNamespace()) : new ArrayList<String>()));
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String ns) {
        Namespace n = namespaces.getIndexer().getByKey(ns);
        if (n == null || n.getMetadata().getDeletionTimestamp() != null
                || (n.getStatus() != null && "Terminating".equals(n.getStatus().getPhase()))) {
            return Result.done();
        }
        if (accounts.getIndexer().getByKey(ns + "/" + DEFAULT) != null) {
            return Result.done();
        }
        try {
            client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName(DEFAULT).withNamespace(ns).endMetadata().build()).create();
            LOG.infof("created service account %s/default", ns);
        } catch (KubernetesClientException e) {
            // 409: it exists already; 403: the namespace is terminating
            if (e.getCode() != 409 && e.getCode() != 403) {
                throw e;
            }
        }
        return Result.done();
    }
}
