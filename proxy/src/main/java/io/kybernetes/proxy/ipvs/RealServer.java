package io.kybernetes.proxy.ipvs;

/** A real server (endpoint) of a virtual service, forwarded by masquerading (NAT) with a weight. */
public record RealServer(String address, int port, int weight) implements Comparable<RealServer> {

    @Override
    public int compareTo(RealServer o) {
        int c = address.compareTo(o.address);
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
