package io.kybernetes.controllers.namespace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;

/** The status conditions of a Terminating namespace, with upstream's types, reasons and messages. */
public final class DeletionConditions {

    /** What one deletion pass found: per resource ("pods."), instances left and finalizers held. */
    public record Pass(String discoveryError, List<String> failures, SortedMap<String, Integer> remaining,
            SortedMap<String, Integer> finalizers) {
    }

    private DeletionConditions() {
    }

    public static List<NamespaceCondition> of(Pass p, List<NamespaceCondition> old, String now) {
        List<NamespaceCondition> out = new ArrayList<>();
        out.add(p.discoveryError() != null
                ? c("NamespaceDeletionDiscoveryFailure", true, "DiscoveryFailed", p.discoveryError())
                : c("NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered",
                        "All resources successfully discovered"));
        out.add(c("NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions",
                "All legacy kube types successfully parsed"));
        out.add(!p.failures().isEmpty()
                ? c("NamespaceDeletionContentFailure", true, "ContentDeletionFailed",
                        "Failed to delete all resource types, " + p.failures().size() + " remaining: "
                                + String.join(", ", p.failures()))
                : c("NamespaceDeletionContentFailure", false, "ContentDeleted",
                        "All content successfully deleted, may be waiting on finalization"));
        out.add(!p.remaining().isEmpty()
                ? c("NamespaceContentRemaining", true, "SomeResourcesRemain",
                        "Some resources are remaining: " + join(p.remaining(), " has %d resource instances"))
                : c("NamespaceContentRemaining", false, "ContentRemoved", "All content successfully removed"));
        out.add(!p.finalizers().isEmpty()
                ? c("NamespaceFinalizersRemaining", true, "SomeFinalizersRemain",
                        "Some content in the namespace has finalizers remaining: "
                                + join(p.finalizers(), " in %d resource instances"))
                : c("NamespaceFinalizersRemaining", false, "ContentHasNoFinalizers",
                        "All content-preserving finalizers finished"));
        for (int i = 0; i < out.size(); i++) {
            NamespaceCondition n = out.get(i);
            NamespaceCondition o = old == null ? null
                    : old.stream().filter(x -> x.getType().equals(n.getType())).findFirst().orElse(null);
            n.setLastTransitionTime(o != null && Objects.equals(o.getStatus(), n.getStatus())
                    && o.getLastTransitionTime() != null ? o.getLastTransitionTime() : now);
        }
        return out;
    }

    private static String join(Map<String, Integer> m, String format) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + String.format(format, v)));
        return String.join(", ", parts);
    }

    private static NamespaceCondition c(String type, boolean status, String reason, String message) {
        return new NamespaceConditionBuilder().withType(type).withStatus(status ? "True" : "False")
                .withReason(reason).withMessage(message).build();
    }
}
