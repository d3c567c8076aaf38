package io.kybernetes.proxy.service;

import java.util.List;

/** A Service's ClusterIP:port and the ready endpoints behind it: the unit the proxier programs. */
public record ServicePort(ServicePortName name, String clusterIp, int port, List<Endpoint> endpoints) {

    public ServicePort {
        endpoints = List.copyOf(endpoints);
    }

    public Protocol protocol() {
        return name.protocol();
    }
}
