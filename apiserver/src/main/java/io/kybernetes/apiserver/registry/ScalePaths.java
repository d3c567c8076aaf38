package io.kybernetes.apiserver.registry;

/**
 * Where a kind keeps what its scale subresource shows: desired replicas, observed replicas and the label selector,
 * as dotted paths (".spec.replicas"). A null selector path means the built-in kinds' spec.selector (a
 * LabelSelector, or a label map for replication controllers); custom resources point at a string.
 */
public record ScalePaths(String specReplicas, String statusReplicas, String labelSelector) {

    public static final ScalePaths BUILT_IN = new ScalePaths(".spec.replicas", ".status.replicas", null);
}
