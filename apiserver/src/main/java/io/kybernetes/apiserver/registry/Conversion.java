package io.kybernetes.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a served version of a resource maps to the version it is stored in (autoscaling/v1 HorizontalPodAutoscalers
 * are stored as autoscaling/v2, events.k8s.io/v1 Events as core v1 Events). Strategies, validation and storage work
 * on the storage form; requests and responses carry the served form.
 */
public interface Conversion {

    /** The identity: the served version is the storage version. */
    Conversion NONE = new Conversion() {
        @Override
        public ObjectNode toStorage(ObjectNode served) {
            return served;
        }

        @Override
        public ObjectNode fromStorage(ObjectNode stored) {
            return stored;
        }

        @Override
        public boolean identity() {
            return true;
        }
    };

    /** The storage form of a served object (sets the storage apiVersion and kind); may reuse {@code served}. */
    ObjectNode toStorage(ObjectNode served);

    /** The served form of a stored object (sets the served apiVersion and kind); may reuse {@code stored}. */
    ObjectNode fromStorage(ObjectNode stored);

    default boolean identity() {
        return false;
    }
}
