package io.kybernetes.controllers.events;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Records Kubernetes Events about objects (best effort, as upstream's recorder: failures are only logged). */
public interface EventRecorder {

    void event(HasMetadata object, String type, String reason, String message);

    default void normal(HasMetadata object, String reason, String message) {
        event(object, "Normal", reason, message);
    }

    default void warning(HasMetadata object, String reason, String message) {
        event(object, "Warning", reason, message);
    }
}
