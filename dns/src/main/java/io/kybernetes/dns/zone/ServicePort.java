package io.kybernetes.dns.zone;

/** A port as DNS sees it: SRV records exist for named ones. {@code protocol} is lower case (tcp, udp, sctp). */
public record ServicePort(String name, String protocol, int port) {
}
