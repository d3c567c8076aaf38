package io.kybernetes.proxy.service;

/**
 * One backend of a Service port, with the EndpointSlice conditions the proxy selects on and whether it runs on
 * this node (for the Local traffic policies).
 */
public record Endpoint(String ip, int port, boolean local, boolean ready, boolean serving, boolean terminating)
        implements Comparable<Endpoint> {

    /** A ready endpoint on another node. */
    public Endpoint(String ip, int port) {
        this(ip, port, false, true, true, false);
    }

    public Endpoint asLocal() {
        return new Endpoint(ip, port, true, ready, serving, terminating);
    }

    /** {@code ip:port}, the form used in rule comments and endpoint chain hashes. */
    @Override
    public String toString() {
        return ip + ":" + port;
    }

    @Override
    public int compareTo(Endpoint o) {
        int c = ip.compareTo(o.ip);
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
