package io.kybernetes.controllers.reconcile;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Semantic equality of API values: equal when they serialize to the same JSON, so that a null list and an empty
 * one (which the wire format does not distinguish) compare equal. Used to skip no-op writes.
 */
public final class Semantic {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private Semantic() {
    }

    public static boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        return JSON.asJson(a).equals(JSON.asJson(b));
    }
}
