package io.kybernetes.store.config;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Turns the upstream URL flags into Quarkus listener settings: {@code --listen-client-urls} sets the gRPC server's
 * host and port, {@code --listen-metrics-urls} the HTTP server's (health, metrics). A config source because a flag
 * maps to one property and each URL feeds two.
 */
public final class ListenUrlConfigSourceFactory implements ConfigSourceFactory {

    /** Above application.properties (250), below system properties (400) and the environment (300). */
    static final int ORDINAL = 260;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> props = new HashMap<>();
        map(context.getValue("kybernetes.listen-client-urls"), "quarkus.grpc.server", props);
        map(context.getValue("kybernetes.listen-metrics-urls"), "quarkus.http", props);
        return List.of(new MapBackedConfigSource("kybernetes-listen-urls", props, ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    static void map(ConfigValue value, String prefix, Map<String, String> props) {
        if (value == null || value.getValue() == null || value.getValue().isBlank()) {
            return;
        }
        URI uri = URI.create(value.getValue().split(",")[0].trim());
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("unsupported listen URL \"" + value.getValue()
                    + "\": want http://HOST:PORT (TLS is not supported yet)");
        }
        props.put(prefix + ".host", uri.getHost());
        props.put(prefix + ".port", Integer.toString(uri.getPort()));
    }
}
