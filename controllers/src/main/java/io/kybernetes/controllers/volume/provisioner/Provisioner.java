package io.kybernetes.controllers.volume.provisioner;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

/** A dynamic provisioner the binder runs in-process for the classes whose provisioner field names it. */
public interface Provisioner {

    /** The StorageClass.provisioner value this provisioner serves. */
    String name();

    /**
     * The volume to create for {@code claim} of class {@code sc} on {@code node} (null when the class binds
     * Immediately), named {@code pvName}, with its claimRef already set.
     *
     * @throws ProvisioningException when the claim cannot be provisioned (the message becomes a ProvisioningFailed
     *                               event)
     */
    PersistentVolume provision(PersistentVolumeClaim claim, StorageClass sc, String node, String pvName)
            throws ProvisioningException;

    /** Works towards removing the storage of a released volume; called again until it is DONE. */
    Deletion delete(PersistentVolume pv);

    /** The volume named {@code pvName} is gone: drop whatever is left of its deletion (a helper pod). */
    default void forget(String pvName) {
    }

    /** How far the deletion of a volume's storage has come. */
    record Deletion(State state, String message) {
        public enum State { DONE, IN_PROGRESS, FAILED }

        public static final Deletion DONE = new Deletion(State.DONE, "");
        public static final Deletion IN_PROGRESS = new Deletion(State.IN_PROGRESS, "");

        public static Deletion failed(String message) {
            return new Deletion(State.FAILED, message);
        }
    }

    final class ProvisioningException extends Exception {
        public ProvisioningException(String message) {
            super(message);
        }
    }
}
