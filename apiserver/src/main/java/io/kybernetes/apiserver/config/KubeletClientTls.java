package io.kybernetes.apiserver.config;

import java.util.Optional;

import org.eclipse.microprofile.config.ConfigProvider;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The TLS side of the apiserver's connections to kubelets. With a client certificate, kubelets are dialled over
 * HTTPS presenting it; their serving certificate is verified (chain and IP/host name) against
 * {@code --kubelet-certificate-authority} when given, and not verified otherwise, as upstream's apiserver does
 * without that flag. Without a client certificate: plain HTTP, as before (upstream always uses HTTPS; the plain
 * default keeps a cluster without kubelet certificates working).
 */
public record KubeletClientTls(String certificate, String key, String authority) {

    public static final KubeletClientTls PLAIN = new KubeletClientTls(null, null, null);

    public static KubeletClientTls of(KubeletClientConfig c) {
        return of(c.kubeletClientCertificate(), c.kubeletClientKey(), c.kubeletCertificateAuthority());
    }

    static KubeletClientTls of(Optional<String> cert, Optional<String> key, Optional<String> ca) {
        String c = cert.filter(s -> !s.isBlank()).orElse(null);
        String k = key.filter(s -> !s.isBlank()).orElse(null);
        if ((c == null) != (k == null)) {
            throw new IllegalArgumentException("--kubelet-client-certificate and --kubelet-client-key go together");
        }
        return new KubeletClientTls(c, k, ca.filter(s -> !s.isBlank()).orElse(null));
    }

    /**
     * The settings in effect, read from the configuration for code that is not a bean (the streaming dialer);
     * plain when there is no configuration (unit tests).
     */
    public static KubeletClientTls current() {
        try {
            var config = ConfigProvider.getConfig();
            return of(config.getOptionalValue("kybernetes.kubelet-client-certificate", String.class),
                    config.getOptionalValue("kybernetes.kubelet-client-key", String.class),
                    config.getOptionalValue("kybernetes.kubelet-certificate-authority", String.class));
        } catch (IllegalStateException e) {
            return PLAIN;
        }
    }

    public boolean secure() {
        return certificate != null;
    }

    public String scheme() {
        return secure() ? "https" : "http";
    }

    public HttpClientOptions apply(HttpClientOptions o) {
        if (!secure()) {
            return o;
        }
        o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(certificate).setKeyPath(key));
        if (authority != null) {
            o.setTrustOptions(new PemTrustOptions().addCertPath(authority)).setVerifyHost(true);
        } else {
            o.setTrustAll(true).setVerifyHost(false);
        }
        return o;
    }

    public NetClientOptions apply(NetClientOptions o) {
        if (!secure()) {
            return o;
        }
        o.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(certificate).setKeyPath(key));
        if (authority != null) {
            o.setTrustOptions(new PemTrustOptions().addCertPath(authority)).setHostnameVerificationAlgorithm("HTTPS");
        } else {
            o.setTrustAll(true).setHostnameVerificationAlgorithm("");
        }
        return o;
    }
}
