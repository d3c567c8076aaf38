package io.kybernetes.proxy.healthcheck;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.kybernetes.proxy.service.ServicePort;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * One HTTP server per health check node port of an externalTrafficPolicy Local Service: any GET answers 200 when
 * this node has a usable endpoint of the Service, 503 otherwise, with upstream's JSON body, so an external load
 * balancer sends traffic only to nodes that would not drop it.
 */
public final class ServiceHealthServers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServiceHealthServers.class);

    /** What one health check node port reports. */
    record Target(String namespace, String name, int localEndpoints) {
    }

    private final Vertx vertx;
    private final String host;
    private final Map<Integer, HttpServer> servers = new HashMap<>();
    private final Map<Integer, Target> targets = new ConcurrentHashMap<>();

    public ServiceHealthServers(Vertx vertx, String host) {
        this.vertx = vertx;
        this.host = host;
    }

    /** The health check node ports of {@code ports} and their local endpoint counts (per Service, not per port). */
    static Map<Integer, Target> targets(List<ServicePort> ports) {
        Map<Integer, Target> out = new HashMap<>();
        for (ServicePort sp : ports) {
            if (sp.healthCheckNodePort() > 0 && sp.externalPolicyLocal()) {
                out.merge(sp.healthCheckNodePort(),
                        new Target(sp.name().namespace(), sp.name().name(), sp.localEndpoints().size()),
                        (a, b) -> new Target(a.namespace(), a.name(), Math.max(a.localEndpoints(), b.localEndpoints())));
            }
        }
        return out;
    }

    static String body(Target t) {
        return "{\"service\":{\"namespace\":\"" + t.namespace() + "\",\"name\":\"" + t.name() + "\"},\"localEndpoints\":"
                + t.localEndpoints() + ",\"serviceProxyHealthy\":true}";
    }

    /** Opens servers for new health check node ports, closes those no longer used, updates the counts. */
    public synchronized void update(List<ServicePort> ports) {
        Map<Integer, Target> want = targets(ports);
        targets.keySet().retainAll(want.keySet());
        targets.putAll(want);
        for (var it = servers.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!want.containsKey(e.getKey())) {
                e.getValue().close();
                it.remove();
                LOG.infof("closed health check node port %d", e.getKey());
            }
        }
        for (int port : want.keySet()) {
            if (servers.containsKey(port)) {
                continue;
            }
            HttpServer server = vertx.createHttpServer().requestHandler(req -> {
                Target t = targets.get(port);
                if (t == null) {
                    req.response().setStatusCode(404).end();
                    return;
                }
                req.response().setStatusCode(t.localEndpoints() > 0 ? 200 : 503)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("X-Content-Type-Options", "nosniff")
                        .putHeader("X-Load-Balancing-Endpoint-Weight", String.valueOf(t.localEndpoints()))
                        .end(body(t));
            });
            servers.put(port, server);
            server.listen(port, host).onComplete(r -> {
                if (r.succeeded()) {
                    LOG.infof("health check node port %d for %s/%s", port, want.get(port).namespace(), want.get(port).name());
                } else {
                    LOG.warnf("cannot listen on health check node port %d: %s", port, r.cause().getMessage());
                    synchronized (this) {
                        servers.remove(port, server);
                    }
                }
            });
        }
    }

    public synchronized int open() {
        return servers.size();
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(HttpServer::close);
        servers.clear();
        targets.clear();
    }
}
