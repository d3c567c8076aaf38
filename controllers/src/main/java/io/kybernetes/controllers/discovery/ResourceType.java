package io.kybernetes.controllers.discovery;

import java.util.List;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** One served resource, as discovery lists it. */
public record ResourceType(String group, String version, String plural, String kind, boolean namespaced,
        List<String> verbs) {

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public boolean can(String... needed) {
        return verbs.containsAll(List.of(needed));
    }

    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group.isEmpty() ? null : group).withVersion(version).withPlural(plural)
                .withKind(kind).withNamespaced(namespaced).build();
    }

    @Override
    public String toString() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
