package io.kybernetes.controllers.rootca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/**
 * Upstream's root-ca-cert-publisher: every active namespace holds the ConfigMap {@value #NAME_CM} whose {@code ca.crt}
 * is the cluster CA (from {@code --root-ca-file}), re-created when deleted and put back when changed. The token
 * volume the ServiceAccount admission plugin adds to pods reads it.
 */
public final class RootCaPublisher implements Reconciler {

    private static final Logger LOG = Logger.getLogger(RootCaPublisher.class);
    public static final String NAME = "root-ca-cert-publisher";
    public static final String NAME_CM = "kube-root-ca.crt";
    static final String KEY = "ca.crt";
    static final String DESCRIPTION = "kubernetes.io/description";
    static final String DESCRIPTION_TEXT = "Contains a CA bundle that can be used to verify the kube-apiserver when "
            + "using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
            + "guaranteed across distributions of Kubernetes clusters.";

    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<ConfigMap> configMaps;
    private final KubernetesClient client;
    private final String ca;
    private final QueueController queue;

    public RootCaPublisher(Informers informers, KubernetesClient client, String ca, int workers) {
        this.namespaces = informers.of(Namespace.class);
        this.configMaps = informers.of(ConfigMap.class);
        this.client = client;
        this.ca = ca;
        this.queue = new QueueController(NAME, this, workers).dependsOn(namespaces, configMaps);
        namespaces.addEventHandler(queue.ownKeyHandler());
        configMaps.addEventHandler(queue.handler((ConfigMap cm) -> NAME_CM.equals(cm.getMetadata().getName())
                ? List.of(cm.getMetadata().getNamespace()) : List.<String>of()));
    }

    /** The PEM bundle of {@code --root-ca-file}. */
    public static String read(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --root-ca-file " + file, e);
        }
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
        ConfigMap cm = configMaps.getIndexer().getByKey(ns + "/" + NAME_CM);
        try {
            if (cm == null) {
                client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(NAME_CM)
                        .withNamespace(ns).withAnnotations(Map.of(DESCRIPTION, DESCRIPTION_TEXT)).endMetadata()
                        .withData(Map.of(KEY, ca)).build()).create();
                LOG.infof("published %s in namespace %s", NAME_CM, ns);
            } else if (!Map.of(KEY, ca).equals(cm.getData()) || cm.getBinaryData() != null
                    && !cm.getBinaryData().isEmpty()) {
                ConfigMap fixed = new ConfigMapBuilder(cm).withData(Map.of(KEY, ca)).withBinaryData(null).editMetadata()
                        .addToAnnotations(DESCRIPTION, DESCRIPTION_TEXT).endMetadata().build();
                client.configMaps().inNamespace(ns).resource(fixed).update();
                LOG.infof("restored %s in namespace %s", NAME_CM, ns);
            }
        } catch (KubernetesClientException e) {
            // 409: created or changed meanwhile (the informer will bring it back); 403: the namespace is terminating
            if (e.getCode() == 409) {
                return Result.requeue();
            }
            if (e.getCode() != 403) {
                throw e;
            }
        }
        return Result.done();
    }
}
