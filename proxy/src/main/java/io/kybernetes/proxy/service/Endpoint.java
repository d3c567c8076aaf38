package io.kybernetes.proxy.service;

/** One ready backend of a Service port. */
public record Endpoint(String ip, int port) implements Comparable<Endpoint> {

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
