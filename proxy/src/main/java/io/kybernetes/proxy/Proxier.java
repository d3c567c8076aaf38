package io.kybernetes.proxy;

import java.util.List;

import io.kybernetes.proxy.service.ServicePort;

/**
 * Programs the node's data path so each Service's cluster IP, node ports, external and load balancer IPs reach its
 * endpoints. One implementation per {@code --proxy-mode}.
 */
public interface Proxier {

    /**
     * Makes the kernel state match {@code ports} (the complete desired set, not a delta). {@code full} rewrites
     * everything and re-reads the kernel's state; otherwise only what changed since the last successful sync is
     * written (an implementation may still choose a full sync, e.g. the first time or after a failure).
     */
    void sync(List<ServicePort> ports, boolean full) throws Exception;

    /** Removes everything this proxier ever created (rules, chains, jumps). */
    void cleanup() throws Exception;
}
