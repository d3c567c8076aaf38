package io.kybernetes.apiserver.logs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.config.KubeletClientConfig;
import io.kybernetes.apiserver.config.KubeletClientTls;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.status.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.MultiMap;

/**
 * {@code GET pods/{name}/log}: proxies to the kubelet's {@code /containerLogs/{ns}/{pod}/{container}} at the
 * node's InternalIP and daemonEndpoints port, streaming the body (follow keeps it open); over HTTPS with the
 * kubelet client certificate when one is configured ({@link KubeletClientTls}).
 */
@ApplicationScoped
public class PodLogProxy {

    private static final Logger LOG = Logger.getLogger(PodLogProxy.class);
    static final List<String> PASSED = List.of("follow", "tailLines", "timestamps", "sinceSeconds", "sinceTime",
            "previous", "limitBytes");

    private final HttpClient client;
    private final KubeletClientTls tls;

    public PodLogProxy(Vertx vertx, KubeletClientConfig config) {
        this.tls = KubeletClientTls.of(config);
        this.client = vertx.createHttpClient(tls.apply(new HttpClientOptions().setConnectTimeout(5000)));
    }

    /** The container to read: the one named, or the only one; 400 as upstream when it is ambiguous. */
    public static String container(ObjectNode pod, String requested) {
        List<String> names = new ArrayList<>();
        for (String list : new String[] {"containers", "initContainers", "ephemeralContainers"}) {
            pod.path("spec").path(list).forEach(c -> names.add(c.path("name").asText()));
        }
        String pod1 = Json.str(pod, "metadata.name");
        if (requested != null && !requested.isEmpty()) {
            if (!names.contains(requested)) {
                throw ApiException.badRequest("container " + requested + " is not valid for pod " + pod1);
            }
            return requested;
        }
        List<String> main = new ArrayList<>();
        pod.path("spec").path("containers").forEach(c -> main.add(c.path("name").asText()));
        if (main.size() == 1) {
            return main.get(0);
        }
        throw ApiException.badRequest("a container name must be specified for pod " + pod1 + ", choose one of: ["
                + String.join(" ", main) + "]");
    }

    /** The kubelet address of a node: InternalIP (else the first address) and the kubelet endpoint port. */
    public static String[] kubelet(ObjectNode node) {
        String ip = null;
        for (JsonNode a : node.path("status").path("addresses")) {
            if (a.path("type").asText().equals("InternalIP")) {
                ip = a.path("address").asText();
                break;
            }
        }
        if (ip == null && node.path("status").path("addresses").size() > 0) {
            ip = node.path("status").path("addresses").get(0).path("address").asText();
        }
        if (ip == null) {
            throw ApiException.badRequest("node " + Json.str(node, "metadata.name") + " has no address");
        }
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(10250);
        return new String[] {ip, Integer.toString(port)};
    }

    /** Streams the log to {@code out}; completes when the kubelet's answer is piped (or failed). */
    public CompletableFuture<Void> proxy(ObjectNode pod, ObjectNode node, String container, MultiMap params,
            HttpServerResponse out) {
        String[] addr = kubelet(node);
        StringBuilder uri = new StringBuilder("/containerLogs/").append(Json.str(pod, "metadata.namespace")).append('/')
                .append(Json.str(pod, "metadata.name")).append('/').append(container);
        char sep = '?';
        for (String p : PASSED) {
            String v = params.get(p);
            if (v != null) {
                uri.append(sep).append(p).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        LOG.debugf("proxying logs to %s://%s:%s%s", tls.scheme(), addr[0], addr[1], uri);
        CompletableFuture<Void> done = new CompletableFuture<>();
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setHost(addr[0])
                .setPort(Integer.parseInt(addr[1])).setURI(uri.toString()).setSsl(tls.secure());
        client.request(ro).compose(req -> req.send()).onComplete(ar -> {
            if (ar.failed()) {
                done.completeExceptionally(ApiException.internal("failed to reach the kubelet at " + addr[0] + ":"
                        + addr[1] + ": " + ar.cause().getMessage()));
                return;
            }
            var resp = ar.result();
            out.setStatusCode(resp.statusCode());
            String ct = resp.getHeader("Content-Type");
            out.putHeader("Content-Type", ct == null ? "text/plain" : ct);
            out.setChunked(true);
            out.closeHandler(v -> resp.request().connection().close());
            resp.pipeTo(out);
            done.complete(null);
        });
        return done;
    }
}
