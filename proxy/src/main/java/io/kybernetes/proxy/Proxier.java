package io.kybernetes.proxy;

import java.util.List;

import io.kybernetes.proxy.service.ServicePort;

/**
 * Programs the node's data path so each Service's ClusterIP:port reaches its endpoints. One implementation per
 * {@code --proxy-mode} (iptables now; nftables later).
 */
public interface Proxier {

    /** Makes the kernel state match {@code ports} exactly: the complete desired set, not a delta. */
    void sync(List<ServicePort> ports) throws Exception;

    /** Removes everything this proxier ever created (rules, chains, jumps). */
    void cleanup() throws Exception;
}
