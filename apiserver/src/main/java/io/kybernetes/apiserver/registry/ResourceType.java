package io.kybernetes.apiserver.registry;

import java.util.List;

/**
 * One served resource: what discovery lists, what routing resolves, what OpenAPI and the protobuf codec describe.
 *
 * @param group        API group, "" for the core group
 * @param version      e.g. "v1"
 * @param resource     plural lower-case name, e.g. "deployments"
 * @param kind         e.g. "Deployment"
 * @param namespaced   whether objects live in a namespace
 * @param shortNames   e.g. ["deploy"]
 * @param categories   e.g. ["all"]
 * @param subresources e.g. ["status", "scale"]
 */
public record ResourceType(String group, String version, String resource, String kind, boolean namespaced,
        List<String> shortNames, List<String> categories, List<String> subresources) {

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String singular() {
        return kind.toLowerCase();
    }
}
