package io.kybernetes.apiserver.allocation;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.storage.EtcdStore;
import io.kybernetes.apiserver.storage.StoredValue;

/**
 * Allocates Service cluster IPs and node ports atomically in the store: an address is taken by creating the key
 * {@code /registry/kybernetes/serviceips/<ip>} (or {@code .../servicenodeports/<port>}) only if it is absent,
 * and released by deleting it.
 */
@ApplicationScoped
public class ServiceAllocator {

    private static final Logger LOG = Logger.getLogger(ServiceAllocator.class);
    static final String IPS = "/registry/kybernetes/serviceips/";
    static final String PORTS = "/registry/kybernetes/servicenodeports/";
    /** Offsets below this are left for fixed addresses (".1" is the kubernetes Service's, ".10" DNS's). */
    static final int DYNAMIC_START = 16;

    private final EtcdStore store;
    private final Cidr range;
    private final int portMin;
    private final int portMax;

    public ServiceAllocator(EtcdStore store, ApiserverConfig config) {
        this.store = store;
        this.range = Cidr.parse(config.serviceClusterIpRange());
        String[] ports = config.serviceNodePortRange().split("-");
        this.portMin = Integer.parseInt(ports[0].trim());
        this.portMax = Integer.parseInt(ports[1].trim());
    }

    public Cidr range() {
        return range;
    }

    public boolean inRange(String ip) {
        return range.contains(ip);
    }

    public boolean portInRange(int port) {
        return port >= portMin && port <= portMax;
    }

    public String portRange() {
        return portMin + "-" + portMax;
    }

    /** Claims a given IP; completes false if it is already taken. */
    public CompletableFuture<Boolean> claimIp(String ip, String owner) {
        return store.create(IPS + ip, owner.getBytes()).thenApply(r -> r.succeeded());
    }

    /** Allocates a free IP from the range. */
    public CompletableFuture<String> allocateIp(String owner) {
        return store.list(IPS).thenCompose(used -> {
            Set<String> taken = new HashSet<>();
            for (StoredValue v : used.items()) {
                taken.add(v.key().substring(IPS.length()));
            }
            long size = range.size() - 1;
            long start = DYNAMIC_START + ThreadLocalRandom.current().nextLong(Math.max(1, size - DYNAMIC_START));
            for (long i = 0; i < size - DYNAMIC_START; i++) {
                long off = DYNAMIC_START + (start - DYNAMIC_START + i) % (size - DYNAMIC_START);
                String ip = range.at(off);
                if (!taken.contains(ip)) {
                    return claimIp(ip, owner).thenCompose(ok -> ok ? CompletableFuture.completedFuture(ip) : allocateIp(owner));
                }
            }
            return CompletableFuture.failedFuture(new IllegalStateException("range is full: " + range.at(0) + "/" + range.prefix()));
        });
    }

    public CompletableFuture<Void> releaseIp(String ip) {
        LOG.debugf("releasing cluster IP %s", ip);
        return store.deleteKey(IPS + ip);
    }

    public CompletableFuture<Boolean> claimPort(int port, String owner) {
        return store.create(PORTS + port, owner.getBytes()).thenApply(r -> r.succeeded());
    }

    public CompletableFuture<Integer> allocatePort(String owner) {
        int span = portMax - portMin + 1;
        int port = portMin + ThreadLocalRandom.current().nextInt(span);
        return allocatePort(owner, port, span);
    }

    private CompletableFuture<Integer> allocatePort(String owner, int port, int remaining) {
        if (remaining == 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("node port range is full: " + portRange()));
        }
        return claimPort(port, owner).thenCompose(ok -> ok ? CompletableFuture.completedFuture(port)
                : allocatePort(owner, port == portMax ? portMin : port + 1, remaining - 1));
    }

    public CompletableFuture<Void> releasePort(int port) {
        return store.deleteKey(PORTS + port);
    }
}
