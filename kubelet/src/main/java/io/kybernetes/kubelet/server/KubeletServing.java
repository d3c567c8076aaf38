package io.kybernetes.kubelet.server;

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
 * Turns {@code --tls-cert-file}, {@code --tls-private-key-file} and {@code --client-ca-file} into Quarkus HTTP
 * settings: with a certificate, {@code --port} serves HTTPS only (the default TLS configuration holds the
 * certificate, the client CA is its trust store; client certificates are requested, not required:
 * {@code quarkus.http.ssl.client-auth=REQUEST} is fixed at build time in application.properties). Without the
 * flags nothing changes: plain HTTP. A config source factory because the values derive from other values and must
 * also hold in tests, which do not run main (the apiserver's TLS serving does the same).
 */
public class KubeletServing implements ConfigSourceFactory {

    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return List.of(new MapBackedConfigSource("kybernetes-kubelet-serving", properties(
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

    static Map<String, String> properties(String cert, String key, String clientCa, String port) {
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
