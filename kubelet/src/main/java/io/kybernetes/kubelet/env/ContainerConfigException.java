package io.kybernetes.kubelet.env;

/**
 * A container cannot be configured (a required ConfigMap, Secret or key is missing, a security policy is broken):
 * the container waits with reason CreateContainerConfigError and this message.
 */
public final class ContainerConfigException extends Exception {

    public ContainerConfigException(String message) {
        super(message, null, false, false);
    }
}
