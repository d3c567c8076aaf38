package io.kybernetes.apiserver.streaming;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The WebSocket subprotocols the apiserver itself terminates for pod streams (Vert.x 4 negotiates from one
 * server-wide list): {@code v5.channel.k8s.io} for exec and attach, {@code SPDY/3.1+portforward.k8s.io} for
 * port-forward. Other stream protocols are relayed to the kubelet without being listed here.
 */
@ApplicationScoped
public class StreamSubprotocols implements HttpServerOptionsCustomizer {

    static final String PORTFORWARD_TUNNEL = "SPDY/3.1+portforward.k8s.io";
    static final List<String> TERMINATED = List.of(ChannelProtocol.V5, PORTFORWARD_TUNNEL);

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
        TERMINATED.stream().filter(p -> !protocols.contains(p)).forEach(protocols::add);
        options.setWebSocketSubProtocols(protocols);
    }
}
