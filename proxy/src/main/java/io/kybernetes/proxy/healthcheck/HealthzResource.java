package io.kybernetes.proxy.healthcheck;

import java.time.Instant;

import io.kybernetes.proxy.ProxyConfig;
import io.kybernetes.proxy.sync.ServiceWatcher;
import io.kybernetes.proxy.sync.SyncStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * kube-proxy's {@code /healthz} (and {@code /livez}): {@code lastUpdated} (the last successful sync),
 * {@code currentTime}, and 200 while the rules are fresh (synced within twice the sync period), else 503.
 * Also {@code /proxyMode}.
 */
@Path("/")
public class HealthzResource {

    @Inject
    ServiceWatcher watcher;

    @Inject
    ProxyConfig config;

    /** The running mode as plain text, as upstream's {@code /proxyMode} ("iptables", "nftables", "ipvs"). */
    @GET
    @Path("proxyMode")
    public Response proxyMode() {
        return Response.ok(config.proxyMode()).type(MediaType.TEXT_PLAIN).build();
    }

    @GET
    @Path("healthz")
    public Response healthz() {
        return answer();
    }

    @GET
    @Path("livez")
    public Response livez() {
        return answer();
    }

    private Response answer() {
        SyncStatus s = watcher.status();
        boolean healthy = s != null && s.healthy();
        Instant last = s == null ? null : s.lastSuccess();
        String body = "{\"lastUpdated\":\"" + (last == null ? "" : last) + "\",\"currentTime\":\"" + Instant.now()
                + "\",\"nodeEligible\":true}";
        return Response.status(healthy ? 200 : 503).type(MediaType.APPLICATION_JSON).header("X-Content-Type-Options", "nosniff")
                .entity(body).build();
    }
}
