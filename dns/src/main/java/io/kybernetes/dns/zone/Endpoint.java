package io.kybernetes.dns.zone;

import java.util.List;

/**
 * One address behind a Service: its IP, the hostname the endpoint carries (StatefulSet pods: spec.hostname when
 * spec.subdomain names the Service; may be null), whether it is ready, and its (target) ports.
 */
public record Endpoint(String ip, String hostname, boolean ready, List<ServicePort> ports) {

    public Endpoint {
        ports = List.copyOf(ports);
    }

    /** The endpoint's label in DNS: its hostname, else its IP with dashes as CoreDNS does. */
    public String label() {
        return hostname != null && !hostname.isEmpty() ? hostname.toLowerCase() : ip.replace('.', '-').replace(':', '-');
    }
}
