package io.kybernetes.proxy.ipvs;

/**
 * An IPVS virtual service: address, protocol, port, scheduler and persistence (ClientIP affinity; 0 = none).
 * Identity is (address, protocol, port); scheduler and persistence are attributes an update may change.
 */
public record VirtualServer(String address, String protocol, int port, String scheduler, int persistenceSeconds) {

    /** {@code tcp 10.96.0.1:443}: the identity. */
    public String key() {
        return protocol + " " + address + ":" + port;
    }

    /** The ipvsadm service option: {@code -t}, {@code -u} or {@code --sctp-service}. */
    String serviceFlag() {
        return switch (protocol) {
            case "udp" -> "-u";
            case "sctp" -> "--sctp-service";
            default -> "-t";
        };
    }
}
