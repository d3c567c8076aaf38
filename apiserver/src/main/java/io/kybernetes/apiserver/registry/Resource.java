package io.kybernetes.apiserver.registry;

/** A served resource and the strategy of its kind. */
public record Resource(ResourceType type, Strategy strategy) {

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

    /** {@code /registry/<resource>/<namespace>/<name>} or {@code /registry/<resource>/<name>}. */
    public String key(String namespace, String name) {
        return namespaced() ? "/registry/" + name() + "/" + namespace + "/" + name : "/registry/" + name() + "/" + name;
    }

    /** The key prefix of a collection: one namespace, or all namespaces when {@code namespace} is null. */
    public String prefix(String namespace) {
        return namespaced() && namespace != null ? "/registry/" + name() + "/" + namespace + "/" : "/registry/" + name() + "/";
    }
}
