package io.kybernetes.apiserver.registry;

import java.util.List;
import java.util.Optional;

/** Every resource the apiserver serves. Discovery, routing, OpenAPI and the protobuf codec read it. */
public interface ResourceRegistry {

    List<ResourceType> all();

    Optional<ResourceType> find(String group, String version, String resource);

    Optional<ResourceType> findKind(String apiVersion, String kind);

    /** OpenAPI schemas of kinds beyond the built-in ones (custom resources), by schema name. */
    default java.util.Map<String, com.fasterxml.jackson.databind.node.ObjectNode> extraSchemas() {
        return java.util.Map.of();
    }

    /** A number that changes whenever the served resources change. */
    default long generation() {
        return 0;
    }
}
