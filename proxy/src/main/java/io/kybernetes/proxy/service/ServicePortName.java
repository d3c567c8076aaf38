package io.kybernetes.proxy.service;

/**
 * Identifies one port of one Service: {@code namespace/name:port} (the port part only when the port is named),
 * plus its protocol. Chain names and rule comments are derived from it.
 */
public record ServicePortName(String namespace, String name, String port, Protocol protocol) {

    public ServicePortName {
        port = port == null ? "" : port;
    }

    /** {@code namespace/name} or {@code namespace/name:port}, as upstream prints it. */
    @Override
    public String toString() {
        return namespace + "/" + name + (port.isEmpty() ? "" : ":" + port);
    }
}
