package io.kybernetes.controllers.revision;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kybernetes.controllers.deployment.PodTemplateHash;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.Owners;

/**
 * ControllerRevisions of a StatefulSet or DaemonSet: named {@code <owner>-<template hash>}, labelled with the
 * selector's labels and {@code controller-revision-hash}, holding the pod template as upstream's patch
 * ({@code {"spec":{"template":{..., "$patch":"replace"}}}}), numbered by increasing revision.
 */
public final class Revisions {

    public static final String HASH_LABEL = "controller-revision-hash";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final SharedIndexInformer<ControllerRevision> informer;
    private final KubernetesClient client;

    public Revisions(SharedIndexInformer<ControllerRevision> informer, KubernetesClient client) {
        this.informer = informer;
        this.client = client;
    }

    public static String hash(PodTemplateSpec template) {
        return PodTemplateHash.compute(template, null);
    }

    public List<ControllerRevision> owned(HasMetadata owner) {
        return informer.getIndexer().byIndex(Informers.BY_OWNER_UID, owner.getMetadata().getUid()).stream()
                .filter(r -> Owners.isControlledBy(r, owner))
                .sorted(Comparator.comparing(ControllerRevision::getRevision)).toList();
    }

    /** The revision of {@code template}, created (as the newest) if absent; returns its hash. */
    public String ensure(HasMetadata owner, String apiVersion, String kind, LabelSelector selector,
            PodTemplateSpec template) {
        String hash = hash(template);
        String name = owner.getMetadata().getName() + "-" + hash;
        List<ControllerRevision> owned = owned(owner);
        long max = owned.stream().mapToLong(r -> r.getRevision() == null ? 0 : r.getRevision()).max().orElse(0);
        for (ControllerRevision r : owned) {
            if (r.getMetadata().getName().equals(name)) {
                return hash;
            }
        }
        Map<String, String> labels = new HashMap<>(selector == null || selector.getMatchLabels() == null ? Map.of()
                : selector.getMatchLabels());
        labels.put(HASH_LABEL, hash);
        Map<String, Object> tpl = new HashMap<>(JSON.convertValue(template, Map.class));
        tpl.put("$patch", "replace");
        ControllerRevision rev = new ControllerRevisionBuilder().withNewMetadata().withName(name)
                .withNamespace(owner.getMetadata().getNamespace()).withLabels(labels)
                .withOwnerReferences(Owners.controllerRef(owner, apiVersion, kind)).endMetadata()
                .withRevision(max + 1).withData(Map.of("spec", Map.of("template", tpl))).build();
        try {
            client.resources(ControllerRevision.class).inNamespace(owner.getMetadata().getNamespace()).resource(rev)
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        return hash;
    }

    /** The pod template a revision of {@code owner} holds; null when there is no such revision. */
    public PodTemplateSpec template(HasMetadata owner, String hash) {
        for (ControllerRevision r : owned(owner)) {
            if (r.getMetadata().getName().equals(owner.getMetadata().getName() + "-" + hash)
                    && r.getData() instanceof Map<?, ?> data && data.get("spec") instanceof Map<?, ?> spec
                    && spec.get("template") instanceof Map<?, ?> tpl) {
                Map<Object, Object> copy = new HashMap<>(tpl);
                copy.remove("$patch");
                return JSON.convertValue(copy, PodTemplateSpec.class);
            }
        }
        return null;
    }

    /** Deletes the oldest revisions beyond {@code limit} that no live hash uses. */
    public void prune(HasMetadata owner, int limit, List<String> liveHashes) {
        List<ControllerRevision> owned = owned(owner).stream().filter(r -> !liveHashes.contains(
                r.getMetadata().getLabels() == null ? "" : r.getMetadata().getLabels().get(HASH_LABEL))).toList();
        for (int i = 0; i < owned.size() - limit; i++) {
            try {
                client.resources(ControllerRevision.class).inNamespace(owner.getMetadata().getNamespace())
                        .withName(owned.get(i).getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }
}
