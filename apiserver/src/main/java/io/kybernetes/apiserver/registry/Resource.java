package io.kybernetes.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.storage.StoredValue;

/**
 * A served resource (one group version), the strategy of its kind and the conversion to its storage version. The
 * strategy works on the storage form, except for table cells and field values, which get the served form.
 */
public record Resource(ResourceType type, Strategy strategy, Conversion conversion, String keyRoot) {

    public Resource(ResourceType type, Strategy strategy) {
        this(type, strategy, Conversion.NONE);
    }

    public Resource(ResourceType type, Strategy strategy, Conversion conversion) {
        this(type, strategy, conversion, "/registry/" + type.resource());
    }

    public String group() {
        return type.group();
    }

    public String name() {
        return type.resource();
    }

    public boolean namespaced() {
        return type.namespaced();
    }

    public boolean hasSubresource(String sub) {
        return type.subresources().contains(sub);
    }

    /** A stored value in the served form, with metadata.resourceVersion set. */
    public ObjectNode decode(StoredValue v) {
        return conversion.fromStorage(GenericStore.decode(v));
    }

    /**
     * {@code <root>/<namespace>/<name>} or {@code <root>/<name>}; the root is {@code /registry/<resource>}, or
     * {@code /registry/<group>/<resource>} for custom resources, as upstream.
     */
    public String key(String namespace, String name) {
        return namespaced() ? keyRoot + "/" + namespace + "/" + name : keyRoot + "/" + name;
    }

    /** The key prefix of a collection: one namespace, or all namespaces when {@code namespace} is null. */
    public String prefix(String namespace) {
        return namespaced() && namespace != null ? keyRoot + "/" + namespace + "/" : keyRoot + "/";
    }
}
