package io.kybernetes.controllers.deployment;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * The pod-template-hash of a Deployment's pod template: FNV-1a (32 bit) over the template's canonical JSON (keys
 * sorted, the pod-template-hash label left out) and the collision count, printed in decimal and mapped to
 * the safe alphabet upstream uses for generated names (no vowels, no ambiguous digits).
 */
public final class PodTemplateHash {

    public static final String LABEL = "pod-template-hash";
    private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private PodTemplateHash() {
    }

    public static String compute(PodTemplateSpec template, Integer collisionCount) {
        int h = 0x811c9dc5;
        for (byte b : canonical(template).getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x01000193;
        }
        if (collisionCount != null) {
            for (byte b : Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8)) {
                h ^= (b & 0xff);
                h *= 0x01000193;
            }
        }
        return safeEncode(Long.toString(Integer.toUnsignedLong(h)));
    }

    static String safeEncode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(SAFE.charAt(c % SAFE.length()));
        }
        return b.toString();
    }

    /** Whether two templates are equal once the pod-template-hash label is ignored. */
    public static boolean equalIgnoringHash(PodTemplateSpec a, PodTemplateSpec b) {
        return canonical(a).equals(canonical(b));
    }

    /** Canonical JSON: sorted keys, no pod-template-hash label, no empty labels/metadata objects. */
    static String canonical(PodTemplateSpec template) {
        JsonNode tree = CANONICAL.valueToTree(template);
        if (tree instanceof ObjectNode root) {
            JsonNode meta = root.get("metadata");
            if (meta instanceof ObjectNode m) {
                if (m.get("labels") instanceof ObjectNode labels) {
                    labels.remove(LABEL);
                    if (labels.isEmpty()) {
                        m.remove("labels");
                    }
                }
                if (m.isEmpty()) {
                    root.remove("metadata");
                }
            }
        }
        try {
            return CANONICAL.writeValueAsString(sort(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sorts keys and drops zero values (false, "", null, {}, [], and metadata.generation 0), so that a template
     * written with explicit zero values (as a protobuf-decoded one is) equals the same template without them, as
     * semantic equality of the typed objects would have it.
     */
    private static JsonNode sort(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode sorted = CANONICAL.createObjectNode();
            java.util.List<String> names = new java.util.ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            for (String name : names) {
                JsonNode v = sort(o.get(name));
                if (!zero(v) && !(name.equals("generation") && v.isNumber() && v.asLong() == 0)) {
                    sorted.set(name, v);
                }
            }
            return sorted;
        }
        if (n.isArray()) {
            var arr = CANONICAL.createArrayNode();
            n.forEach(x -> arr.add(sort(x)));
            return arr;
        }
        return n;
    }

    private static boolean zero(JsonNode v) {
        return v == null || v.isNull() || (v.isBoolean() && !v.asBoolean()) || (v.isTextual() && v.asText().isEmpty())
                || (v.isContainerNode() && v.isEmpty());
    }
}
