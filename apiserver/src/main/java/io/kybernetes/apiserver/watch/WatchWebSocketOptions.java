package io.kybernetes.apiserver.watch;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The WebSocket subprotocols a watch upgrade may ask for. Upstream echoes the one protocol a watch client names and
 * sends the same JSON text messages whatever it is; Vert.x 4 selects from a fixed server-wide list, so the
 * Kubernetes stream protocols that browser and client libraries name are listed here. A client that names none
 * (fabric8's watches) gets none.
 */
@ApplicationScoped
public class WatchWebSocketOptions implements HttpServerOptionsCustomizer {

    static final List<String> SUBPROTOCOLS = List.of("binary.k8s.io", "base64.binary.k8s.io");

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        add(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        add(options);
    }

    private static void add(HttpServerOptions options) {
        List<String> protocols = new ArrayList<>();
        if (options.getWebSocketSubProtocols() != null) {
            protocols.addAll(options.getWebSocketSubProtocols());
        }
        SUBPROTOCOLS.stream().filter(p -> !protocols.contains(p)).forEach(protocols::add);
        options.setWebSocketSubProtocols(protocols);
    }
}
