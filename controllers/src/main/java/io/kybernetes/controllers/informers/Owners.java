package io.kybernetes.controllers.informers;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Controller owner references. */
public final class Owners {

    private Owners() {
    }

    /** The owner reference with controller=true, if any. */
    public static Optional<OwnerReference> controllerOf(HasMetadata o) {
        if (o.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        return o.getMetadata().getOwnerReferences().stream().filter(r -> Boolean.TRUE.equals(r.getController()))
                .findFirst();
    }

    public static boolean isControlledBy(HasMetadata o, HasMetadata owner) {
        return controllerOf(o).map(r -> r.getUid().equals(owner.getMetadata().getUid())).orElse(false);
    }

    /** A controller reference to {@code owner} (controller=true, blockOwnerDeletion=true). */
    public static OwnerReference controllerRef(HasMetadata owner, String apiVersion, String kind) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind)
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }
}
