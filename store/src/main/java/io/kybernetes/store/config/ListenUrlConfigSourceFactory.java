package io.kybernetes.store.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Turns the upstream URL and transport-security flags into Quarkus listener settings: {@code --listen-client-urls}
 * sets the gRPC server's host and port, {@code --listen-metrics-urls} the HTTP server's (health, metrics). An
 * {@code https://} client URL makes the gRPC server serve TLS only, with {@code --cert-file}/{@code --key-file};
 * {@code --trusted-ca-file} or {@code --client-cert-auth} then require client certificates, as etcd does (etcd 3.4
 * verifies client certificates whenever a trusted CA file is given). The PEM CA itself is installed by
 * {@code server.ClientTrust}: Quarkus' gRPC trust-store setting only reads JKS/PKCS#12. A config source because a
 * flag maps to several properties.
 */
public final class ListenUrlConfigSourceFactory implements ConfigSourceFactory {

    /** Above application.properties (250), below system properties (400) and the environment (300). */
    static final int ORDINAL = 260;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> props = new HashMap<>();
        String clientUrl = map(value(context, "kybernetes.listen-client-urls"), "quarkus.grpc.server", true, props);
        map(value(context, "kybernetes.listen-metrics-urls"), "quarkus.http", false, props);
        props.putAll(clientTls(clientUrl, value(context, "kybernetes.cert-file"),
                value(context, "kybernetes.key-file"), value(context, "kybernetes.trusted-ca-file"),
                Boolean.parseBoolean(value(context, "kybernetes.client-cert-auth"))));
        return List.of(new MapBackedConfigSource("kybernetes-listen-urls", props, ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue().trim();
    }

    /** Sets {@code prefix}.host/.port from the first URL of {@code value}; returns that URL (null if unset). */
    public static String map(String value, String prefix, boolean tlsAllowed, Map<String, String> props) {
        if (value == null) {
            return null;
        }
        String first = value.split(",")[0].trim();
        URI uri;
        try {
            uri = URI.create(first);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid listen URL \"" + first + "\": " + e.getMessage());
        }
        boolean schemeOk = "http".equals(uri.getScheme()) || tlsAllowed && "https".equals(uri.getScheme());
        if (!schemeOk || uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("unsupported listen URL \"" + value + "\": want "
                    + (tlsAllowed ? "http://HOST:PORT or https://HOST:PORT" : "http://HOST:PORT"));
        }
        props.put(prefix + ".host", uri.getHost());
        props.put(prefix + ".port", Integer.toString(uri.getPort()));
        return first;
    }

    /**
     * The gRPC server's TLS properties for {@code clientUrl}: none for {@code http://} (the certificate flags then
     * do nothing, as in etcd), TLS only with the certificate for {@code https://}, plus required client
     * certificates when a trusted CA is given or {@code --client-cert-auth} is set.
     */
    public static Map<String, String> clientTls(String clientUrl, String certFile, String keyFile, String trustedCaFile,
            boolean clientCertAuth) {
        Map<String, String> p = new HashMap<>();
        if (clientUrl == null || !clientUrl.startsWith("https://")) {
            return p;
        }
        if (certFile == null || keyFile == null) {
            throw new IllegalArgumentException("TLS key/cert (--cert-file, --key-file) must be provided for client "
                    + "URL " + clientUrl + " with HTTPS scheme");
        }
        if (clientCertAuth && trustedCaFile == null) {
            throw new IllegalArgumentException("--client-cert-auth needs --trusted-ca-file to verify client "
                    + "certificates against");
        }
        readable("--cert-file", certFile);
        readable("--key-file", keyFile);
        p.put("quarkus.grpc.server.ssl.certificate", certFile);
        p.put("quarkus.grpc.server.ssl.key", keyFile);
        p.put("quarkus.grpc.server.plain-text", "false");
        if (trustedCaFile != null) {
            readable("--trusted-ca-file", trustedCaFile);
            p.put("quarkus.grpc.server.ssl.client-auth", "REQUIRED");
        }
        return p;
    }

    private static void readable(String flag, String file) {
        if (!Files.isReadable(Path.of(file))) {
            throw new IllegalArgumentException(flag + ": cannot read " + file);
        }
    }
}
