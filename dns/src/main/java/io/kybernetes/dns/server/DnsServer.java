package io.kybernetes.dns.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.kybernetes.dns.DnsConfig;
import io.kybernetes.dns.forward.Forwarder;
import io.kybernetes.dns.forward.Upstreams;
import io.kybernetes.dns.watch.ClusterWatcher;
import io.kybernetes.dns.zone.ClusterZone;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Serves DNS on {@code --listen} over UDP and TCP (RFC 1035 two-byte length framing, several queries per
 * connection) with Vert.x sockets; every message goes to the {@link QueryHandler}.
 */
@ApplicationScoped
public class DnsServer {

    private static final Logger LOG = Logger.getLogger(DnsServer.class);

    @Inject
    DnsConfig config;

    @Inject
    ClusterWatcher watcher;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    private DatagramSocket udp;
    private NetServer tcp;
    private QueryHandler handler;
    private volatile int port = -1;

    void onStart(@Observes StartupEvent ev) throws Exception {
        ClusterZone zone = new ClusterZone(config.clusterDomain(), config.ttl());
        List<InetSocketAddress> upstreams = config.upstream().filter(s -> !s.isBlank()).map(Upstreams::parse)
                .orElseGet(() -> Upstreams.fromResolvConf(Path.of(config.resolvConf())));
        if (upstreams.isEmpty()) {
            LOG.warnf("no upstream resolvers (--upstream empty, none in %s): names outside %s get SERVFAIL",
                    config.resolvConf(), zone.zone());
        }
        Forwarder forwarder = new Forwarder(upstreams, Duration.ofMillis(config.upstreamTimeoutMillis()),
                config.cacheSize(), config.cacheMaxTtl());
        Gauge.builder("coredns.cache.entries", forwarder, Forwarder::cached)
                .description("forwarded answers in the cache").register(registry);
        handler = new QueryHandler(zone, watcher::state, forwarder, registry);
        watcher.start(zone, config.endpointSlices());

        String listen = config.listen();
        int colon = listen.lastIndexOf(':');
        if (colon <= 0 || !listen.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("--listen must be IP:port, got \"" + listen + "\"");
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int wanted = Integer.parseInt(listen.substring(colon + 1));
        try {
            udp = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(host.contains(":"))
                            .setReceiveBufferSize(1 << 20))
                    .listen(wanted, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            int bound = udp.localAddress().port();
            udp.handler(packet -> {
                var from = packet.sender();
                handler.handle(packet.data().getBytes(), false).whenComplete((out, err) -> {
                    if (out != null) {
                        udp.send(Buffer.buffer(out), from.port(), from.host());
                    } else if (err != null) {
                        LOG.debugf("dropping a UDP query from %s: %s", from, err.toString());
                    }
                });
            });
            tcp = vertx.createNetServer(new NetServerOptions().setIdleTimeout(30).setIdleTimeoutUnit(TimeUnit.SECONDS))
                    .connectHandler(this::connection)
                    .listen(bound, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            port = bound;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot listen on " + listen + " (UDP and TCP): " + e.getCause().getMessage(),
                    e.getCause());
        }
        LOG.infof("serving DNS on %s:%d (UDP, TCP) for %s, TTL %ds; forwarding other names to %s", host, port,
                zone.zone(), config.ttl(), upstreams);
    }

    /** One TCP connection: length-prefixed queries, answered in order of completion. */
    private void connection(NetSocket socket) {
        RecordParser parser = RecordParser.newFixed(2);
        parser.handler(new Handler<>() {
            private boolean body;

            @Override
            public void handle(Buffer buf) {
                if (!body) {
                    int length = buf.getUnsignedShort(0);
                    if (length == 0) {
                        socket.close();
                        return;
                    }
                    body = true;
                    parser.fixedSizeMode(length);
                    return;
                }
                body = false;
                parser.fixedSizeMode(2);
                handler.handle(buf.getBytes(), true).whenComplete((out, err) -> {
                    if (out != null) {
                        socket.write(Buffer.buffer(out.length + 2).appendUnsignedShort(out.length).appendBytes(out));
                    } else {
                        socket.close();
                    }
                });
            }
        });
        socket.handler(parser);
    }

    void onStop(@Observes ShutdownEvent ev) {
        port = -1;
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
        watcher.stop();
    }

    /** The bound port (UDP and TCP), or -1 before start and after stop. */
    public int port() {
        return port;
    }

    public boolean listening() {
        return port > 0;
    }
}
