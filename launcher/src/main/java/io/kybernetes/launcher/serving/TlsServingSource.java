package io.kybernetes.launcher.serving;

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
 * Turns upstream's serving flags into Quarkus HTTP settings, for every component that serves them (the apiserver,
 * the kubelet): with {@code --tls-cert-file} and {@code --tls-private-key-file} the component's port
 * ({@code quarkus.http.port}) serves HTTPS only, with the certificate in the default TLS configuration;
 * {@code --client-ca-file} becomes its trust store. Client certificates are requested, not required (the
 * component's application.properties fixes {@code quarkus.http.ssl.client-auth=REQUEST} at build time), so bearer
 * tokens and anonymous requests still reach its authentication. Without the flags nothing changes: plain HTTP.
 * A config source factory, because the values derive from other values and must hold in tests (which do not run
 * main) as well. A component registers a subclass naming its source in META-INF/services.
 */
public abstract class TlsServingSource implements ConfigSourceFactory {

    static final int ORDINAL = 275;
    private final String name;

    protected TlsServingSource(String name) {
        this.name = name;
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return List.of(new MapBackedConfigSource(name, properties(
                value(context, "kybernetes.tls-cert-file"), value(context, "kybernetes.tls-private-key-file"),
                value(context, "kybernetes.client-ca-file"), value(context, "quarkus.http.port")), ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue();
    }

    /** The Quarkus properties for these flags (empty without a certificate). */
    public static Map<String, String> properties(String cert, String key, String clientCa, String port) {
        Map<String, String> p = new HashMap<>();
        if (cert == null && key == null) {
            return p;
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("--tls-cert-file and --tls-private-key-file go together");
        }
        p.put("quarkus.tls.key-store.pem.serving.cert", cert);
        p.put("quarkus.tls.key-store.pem.serving.key", key);
        // TLS 1.2 and 1.3, as upstream's servers accept (the TLS registry's default is 1.3 only; busybox wget and
        // other TLS 1.2 clients would get a protocol_version alert)
        p.put("quarkus.tls.protocols", "TLSv1.3,TLSv1.2");
        p.put("quarkus.http.insecure-requests", "disabled");
        if (port != null) {
            p.put("quarkus.http.ssl-port", port);
        }
        if (clientCa != null) {
            p.put("quarkus.tls.trust-store.pem.certs", clientCa);
        }
        return p;
    }
}
