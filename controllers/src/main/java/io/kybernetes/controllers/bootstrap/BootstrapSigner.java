package io.kybernetes.controllers.bootstrap;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Reconciler;
import io.kybernetes.controllers.reconcile.Result;

/**
 * Upstream's bootstrapsigner: ConfigMap kube-public/cluster-info, whose {@code kubeconfig} names the cluster (server
 * and CA) for nodes that join with a bootstrap token, carries one {@code jws-kubeconfig-<token-id>} per valid token
 * Secret with usage-bootstrap-signing "true": a detached JWS of the kubeconfig keyed with that token ({@link Jws}),
 * so a joining node that knows only the token can trust what it read anonymously. Signatures of tokens that are gone,
 * expired or no longer for signing are removed. When the ConfigMap is missing and this controller knows the cluster
 * ({@link ClusterInfo}), it creates it, as {@code kubeadm init} does. One key, everything level-triggered.
 */
public final class BootstrapSigner implements Reconciler {

    private static final Logger LOG = Logger.getLogger(BootstrapSigner.class);
    public static final String NAME = "bootstrapsigner";
    public static final String NAMESPACE = "kube-public";
    public static final String CLUSTER_INFO = "cluster-info";
    public static final String KUBECONFIG = "kubeconfig";
    public static final String SIGNATURE_PREFIX = "jws-kubeconfig-";
    static final String KEY = NAMESPACE + "/" + CLUSTER_INFO;

    /** The cluster cluster-info describes: the API server's URL and the CA bundle (PEM) that verifies it. */
    public record ClusterInfo(String server, String caPem) {

        /** The kubeconfig of cluster-info: one cluster with its server and certificate-authority-data. */
        public String kubeconfig() {
            return Serialization.asYaml(new ConfigBuilder().withApiVersion("v1").withKind("Config")
                    .addNewCluster().withName("").withNewCluster().withServer(server)
                    .withCertificateAuthorityData(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8)))
                    .endCluster().endCluster().withCurrentContext("").build());
        }
    }

    private final SharedIndexInformer<ConfigMap> configMaps;
    private final SharedIndexInformer<Secret> secrets;
    private final KubernetesClient client;
    private final ClusterInfo cluster;
    private final Clock clock;
    private final QueueController queue;

    /** {@code cluster} null: sign an existing cluster-info only, never create one. */
    public BootstrapSigner(Informers informers, KubernetesClient client, ClusterInfo cluster, Clock clock,
            int workers) {
        this.configMaps = informers.of(ConfigMap.class);
        this.secrets = informers.of(Secret.class);
        this.client = client;
        this.cluster = cluster;
        this.clock = clock;
        this.queue = new QueueController(NAME, this, workers).dependsOn(configMaps, secrets);
        configMaps.addEventHandler(queue.handler((ConfigMap cm) -> KEY.equals(QueueController.key(cm))
                ? List.of(KEY) : List.<String>of()));
        secrets.addEventHandler(queue.handler((Secret s) -> TokenSecrets.isToken(s) ? List.of(KEY) : List.<String>of()));
        queue.enqueue(KEY); // a missing cluster-info sends no event: look once at the start
    }

    public QueueController queue() {
        return queue;
    }

    @Override
    public Result reconcile(String key) {
        ConfigMap cm = configMaps.getIndexer().getByKey(KEY);
        if (cm == null) {
            return create();
        }
        if (cm.getMetadata().getDeletionTimestamp() != null || cm.getData() == null
                || cm.getData().get(KUBECONFIG) == null) {
            return Result.done();
        }
        Instant now = clock.instant();
        Map<String, String> data = signed(cm.getData(), secrets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, TokenSecrets.NAMESPACE),
                now);
        Result next = nextExpiry(now);
        if (data.equals(cm.getData())) {
            return next;
        }
        try {
            client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder(cm).withData(data).build())
                    .update();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return Result.requeue(); // changed or deleted meanwhile: the informer brings the news
            }
            throw e;
        }
        LOG.infof("signed %s/%s with %d token(s)", NAMESPACE, CLUSTER_INFO,
                data.keySet().stream().filter(k -> k.startsWith(SIGNATURE_PREFIX)).count());
        return next;
    }

    /**
     * {@code data} with exactly one signature per token of {@code tokens} that is valid at {@code now} and for
     * signing, and no other {@code jws-kubeconfig-*} key; other keys kept.
     */
    static Map<String, String> signed(Map<String, String> data, List<Secret> tokens, Instant now) {
        Map<String, String> out = new TreeMap<>(data);
        out.keySet().removeIf(k -> k.startsWith(SIGNATURE_PREFIX));
        String kubeconfig = data.get(KUBECONFIG);
        for (Secret s : tokens) {
            TokenSecrets.Token t = TokenSecrets.token(s);
            if (!TokenSecrets.isToken(s) || t == null || s.getMetadata().getDeletionTimestamp() != null
                    || !"true".equals(TokenSecrets.data(s, "usage-bootstrap-signing"))
                    || !TokenSecrets.validAt(s, now)) {
                continue;
            }
            out.put(SIGNATURE_PREFIX + t.id(), Jws.detached(kubeconfig, t.id(), t.secret()));
        }
        return out;
    }

    /** Come back when the next signing token expires, so its signature goes at once. */
    private Result nextExpiry(Instant now) {
        Instant next = null;
        for (Secret s : secrets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, TokenSecrets.NAMESPACE)) {
            Instant e = TokenSecrets.isToken(s) ? TokenSecrets.expiration(s) : null;
            if (e != null && e.isAfter(now) && (next == null || e.isBefore(next))) {
                next = e;
            }
        }
        return next == null ? Result.done()
                : Result.requeueAfter(java.time.Duration.between(now, next).plusMillis(100));
    }

    private Result create() {
        if (cluster == null) {
            return Result.done();
        }
        try {
            client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName(CLUSTER_INFO).withNamespace(NAMESPACE).endMetadata()
                    .withData(Map.of(KUBECONFIG, cluster.kubeconfig())).build()).create();
            LOG.infof("created %s/%s for server %s", NAMESPACE, CLUSTER_INFO, cluster.server());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Result.done(); // someone else made it: the informer brings it
            }
            if (e.getCode() == 404 || e.getCode() == 403) {
                return Result.requeueAfter(java.time.Duration.ofSeconds(5)); // kube-public not there yet
            }
            throw e;
        }
        return Result.done();
    }
}
