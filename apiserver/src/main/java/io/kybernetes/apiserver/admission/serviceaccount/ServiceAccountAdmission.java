package io.kybernetes.apiserver.admission.serviceaccount;

import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.admission.AdmissionRequest;
import io.kybernetes.apiserver.admission.MutatingPlugin;
import io.kybernetes.apiserver.admission.Operation;
import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.storage.EtcdStore;

/**
 * Upstream's ServiceAccount plugin for new pods: {@code serviceAccountName} defaults to {@code default}; when the
 * token is to be mounted (the pod's {@code automountServiceAccountToken}, else the account's, else true) and this
 * apiserver can sign tokens, the pod gets upstream's {@code kube-api-access-<5>} projected volume (token, the
 * cluster CA from {@code kube-root-ca.crt}, the namespace) mounted read-only at {@value #MOUNT_PATH} in every
 * container and init container. Mirror pods are left alone, as upstream.
 */
@ApplicationScoped
public class ServiceAccountAdmission implements MutatingPlugin {

    public static final String NAME = "ServiceAccount";
    public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    static final String MIRROR = "kubernetes.io/config.mirror";
    static final String VOLUME_PREFIX = "kube-api-access-";
    /** upstream's random-suffix alphabet (no vowels, no confusable digits) */
    static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EtcdStore store;
    private final boolean canSign;

    public ServiceAccountAdmission(EtcdStore store, ApiserverConfig config) {
        this.store = store;
        this.canSign = config.serviceAccountSigningKeyFile().filter(f -> !f.isBlank()).isPresent();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletableFuture<Void> admit(AdmissionRequest a) {
        if (a.operation() != Operation.CREATE || !a.isCore("pods")) {
            return CompletableFuture.completedFuture(null);
        }
        ObjectNode pod = a.object();
        if (pod.path("metadata").path("annotations").has(MIRROR)) {
            return CompletableFuture.completedFuture(null);
        }
        ObjectNode spec = Json.with(pod, "spec");
        String account = spec.path("serviceAccountName").asText("");
        if (account.isEmpty()) {
            account = spec.path("serviceAccount").asText("");
        }
        if (account.isEmpty()) {
            account = "default";
        }
        spec.put("serviceAccountName", account);
        if (!canSign || spec.path("automountServiceAccountToken").isBoolean()
                && !spec.get("automountServiceAccountToken").asBoolean() || mountsTokenPath(spec)) {
            // Without a signing key no token can be mounted and nothing in the pod depends on the account, so it
            // need not exist yet (upstream always looks it up; today's e2e suite creates pods right after their
            // namespaces, before the ServiceAccount controller made "default").
            return CompletableFuture.completedFuture(null);
        }
        String name = account;
        return store.get("/registry/serviceaccounts/" + a.namespace() + "/" + name).thenAccept(v -> {
            if (v.isEmpty()) {
                throw a.forbidden("error looking up service account " + a.namespace() + "/" + name
                        + ": serviceaccount \"" + name + "\" not found");
            }
            ObjectNode sa = GenericStore.decode(v.get());
            if (automount(sa, spec)) {
                mountToken(spec, VOLUME_PREFIX + suffix());
            }
        });
    }

    /** The pod's automountServiceAccountToken, else the account's, else true. */
    static boolean automount(JsonNode account, JsonNode spec) {
        if (spec.path("automountServiceAccountToken").isBoolean()) {
            return spec.get("automountServiceAccountToken").asBoolean();
        }
        if (account.path("automountServiceAccountToken").isBoolean()) {
            return account.get("automountServiceAccountToken").asBoolean();
        }
        return true;
    }

    static boolean mountsTokenPath(JsonNode spec) {
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                for (JsonNode m : c.path("volumeMounts")) {
                    if (MOUNT_PATH.equals(m.path("mountPath").asText())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static String suffix() {
        StringBuilder b = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /** Adds the projected token volume {@code volume} and its read-only mount in every (init) container. */
    static void mountToken(ObjectNode spec, String volume) {
        ObjectNode v = spec.withArray("volumes").addObject();
        v.put("name", volume);
        ObjectNode projected = v.putObject("projected");
        projected.put("defaultMode", 420);
        ArrayNode sources = projected.putArray("sources");
        ObjectNode token = sources.addObject().putObject("serviceAccountToken");
        token.put("expirationSeconds", 3607);
        token.put("path", "token");
        ObjectNode cm = sources.addObject().putObject("configMap");
        cm.put("name", "kube-root-ca.crt");
        ObjectNode item = cm.putArray("items").addObject();
        item.put("key", "ca.crt");
        item.put("path", "ca.crt");
        ObjectNode field = sources.addObject().putObject("downwardAPI").putArray("items").addObject();
        ObjectNode ref = field.putObject("fieldRef");
        ref.put("apiVersion", "v1");
        ref.put("fieldPath", "metadata.namespace");
        field.put("path", "namespace");
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode container) {
                    ObjectNode m = container.withArray("volumeMounts").addObject();
                    m.put("name", volume);
                    m.put("readOnly", true);
                    m.put("mountPath", MOUNT_PATH);
                }
            }
        }
    }
}
