package io.kybernetes.kubelet.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.kybernetes.launcher.serving.TlsServingSource;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * The kubelet's serving flags as Quarkus HTTP settings ({@link TlsServingSource}): {@code --port} serves HTTPS with
 * {@code --tls-cert-file}, {@code --client-ca-file} authenticates client certificates. With
 * {@code --rotate-server-certificates} and no {@code --tls-cert-file}, the certificate and key are the serving
 * store's {@code kubelet-server-current.pem} (one file holds both, as upstream's), which the certificate manager
 * replaces and reloads (certificate/).
 */
public class KubeletServing extends TlsServingSource {

    static final String NAME = "kybernetes-kubelet-serving";

    public KubeletServing() {
        super(NAME);
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!"true".equals(value(context, "kybernetes.rotate-server-certificates"))
                || value(context, "kybernetes.tls-cert-file") != null) {
            return super.getConfigSources(context);
        }
        String current = rotatedCertificate(value(context, "kybernetes.cert-dir"),
                value(context, "kybernetes.root-dir")).toString();
        Map<String, String> p = properties(current, current, value(context, "kybernetes.client-ca-file"),
                value(context, "quarkus.http.port"));
        return List.of(new MapBackedConfigSource(NAME, p, getPriority().getAsInt()) {
        });
    }

    /** {@code <cert-dir>/kubelet-server-current.pem}; the cert dir defaults to {@code <root-dir>/pki}. */
    static Path rotatedCertificate(String certDir, String rootDir) {
        Path dir = certDir != null ? Path.of(certDir)
                : Path.of(rootDir != null ? rootDir : "/var/lib/kybernetes/kubelet", "pki");
        return dir.resolve("kubelet-server-current.pem");
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue();
    }
}
