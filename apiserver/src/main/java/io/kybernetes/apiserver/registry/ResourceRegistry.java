package io.kybernetes.apiserver.registry;

import java.util.List;
import java.util.Optional;

/** Every resource the apiserver serves. Discovery, routing, OpenAPI and the protobuf codec read it. */
public interface ResourceRegistry {

    List<ResourceType> all();

    Optional<ResourceType> find(String group, String version, String resource);

    Optional<ResourceType> findKind(String apiVersion, String kind);
}
