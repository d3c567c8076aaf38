package io.kybernetes.apiserver.patch;

import java.util.Map;

/**
 * The patch strategies of the list fields of the served kinds (the x-kubernetes-patch-merge-key and
 * -patch-strategy facts of the API), looked up by field path without list indices, e.g.
 * {@code spec.template.spec.containers}. Lists not named here are replaced as a whole (atomic), as upstream.
 */
public final class PatchMeta {

    /** A merge key, or {@link #PRIMITIVE_SET} for lists of scalars merged as a set. */
    public static final String PRIMITIVE_SET = "";

    private static final Map<String, String> EXACT = Map.of(
            "spec.ports", "port",
            "metadata.finalizers", PRIMITIVE_SET,
            "metadata.ownerReferences", "uid",
            "status.addresses", "type",
            "status.podIPs", "ip",
            "status.hostIPs", "ip",
            "spec.podCIDRs", PRIMITIVE_SET);

    private static final Map<String, String> BY_LAST_TWO = Map.ofEntries(
            Map.entry("containers.ports", "containerPort"),
            Map.entry("initContainers.ports", "containerPort"),
            Map.entry("ephemeralContainers.ports", "containerPort"),
            Map.entry("containers.env", "name"),
            Map.entry("initContainers.env", "name"),
            Map.entry("ephemeralContainers.env", "name"),
            Map.entry("containers.volumeMounts", "mountPath"),
            Map.entry("initContainers.volumeMounts", "mountPath"),
            Map.entry("ephemeralContainers.volumeMounts", "mountPath"),
            Map.entry("containers.volumeDevices", "devicePath"),
            Map.entry("initContainers.volumeDevices", "devicePath"),
            Map.entry("containers.resizePolicy", "resourceName"),
            Map.entry("metadata.finalizers", PRIMITIVE_SET),
            Map.entry("metadata.ownerReferences", "uid"),
            Map.entry("spec.volumes", "name"),
            Map.entry("spec.imagePullSecrets", "name"),
            Map.entry("spec.hostAliases", "ip"),
            Map.entry("spec.topologySpreadConstraints", "topologyKey"),
            Map.entry("spec.initContainers", "name"),
            Map.entry("spec.containers", "name"),
            Map.entry("spec.ephemeralContainers", "name"),
            Map.entry("spec.resourceClaims", "name"),
            Map.entry("spec.schedulingGates", "name"));

    private static final Map<String, String> BY_LAST = Map.of(
            "conditions", "type",
            "imagePullSecrets", "name",
            "secrets", "name");

    private PatchMeta() {
    }

    /** The merge key of the list at {@code path}, {@link #PRIMITIVE_SET}, or null when the list is atomic. */
    public static String mergeKey(String path) {
        String v = EXACT.get(path);
        if (v != null) {
            return v;
        }
        String[] parts = path.split("\\.");
        if (parts.length >= 2) {
            v = BY_LAST_TWO.get(parts[parts.length - 2] + "." + parts[parts.length - 1]);
            if (v != null) {
                return v;
            }
        }
        return BY_LAST.get(parts[parts.length - 1]);
    }
}
