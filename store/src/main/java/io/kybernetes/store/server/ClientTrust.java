package io.kybernetes.store.server;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.kybernetes.store.config.StoreConfig;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.grpc.VertxServerBuilder;

/**
 * Installs {@code --trusted-ca-file} (PEM) as the trust store of the gRPC server's TLS, which Quarkus' own
 * {@code quarkus.grpc.server.ssl.trust-store} cannot (it reads JKS/PKCS#12 only). The certificate, key and
 * {@code client-auth=REQUIRED} come from {@code config.ListenUrlConfigSourceFactory}; Quarkus applies them after
 * this customizer on the same server options, leaving the trust options alone.
 */
@Singleton
public class ClientTrust implements ServerBuilderCustomizer<VertxServerBuilder> {

    private static final Logger LOG = Logger.getLogger(ClientTrust.class);

    private final StoreConfig config;
    private final boolean tls;

    public ClientTrust(StoreConfig config,
            @ConfigProperty(name = "quarkus.grpc.server.ssl.certificate") java.util.Optional<String> certificate) {
        this.config = config;
        this.tls = certificate.isPresent() && config.listenClientUrls().trim().startsWith("https://");
    }

    @Override
    public void customize(GrpcServerConfiguration grpc, VertxServerBuilder builder) {
        if (!tls) {
            return;
        }
        config.trustedCaFile().ifPresentOrElse(ca -> {
            builder.useSsl(options -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca)));
            LOG.infof("client URL %s: TLS with client certificates verified against %s",
                    config.listenClientUrls(), ca);
        }, () -> LOG.infof("client URL %s: TLS without client certificates", config.listenClientUrls()));
    }
}
