package io.kybernetes.apiserver.authentication;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLPeerUnverifiedException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kybernetes.apiserver.config.ApiserverConfig;
import io.kybernetes.apiserver.json.Json;
import io.kybernetes.apiserver.registry.GenericStore;
import io.kybernetes.apiserver.registry.Registry;
import io.kybernetes.apiserver.status.ApiException;
import io.vertx.core.http.HttpServerRequest;

/**
 * The authentication chain of the apiserver, in upstream's order: client certificate (x509), then the bearer
 * token (static token file, then bootstrap tokens, then service account JWTs with their bound objects checked in
 * the store), then anonymous. Credentials that are present but invalid are refused (401) even when anonymous requests are allowed.
 */
@ApplicationScoped
public class Authenticator {

    private static final Logger LOG = Logger.getLogger(Authenticator.class);

    private final X509Users x509;
    private final TokenFile tokens;
    private final ServiceAccountTokens serviceAccounts;
    private final BootstrapTokenCache bootstrapTokens;
    private final boolean anonymous;
    private final boolean enabled;
    private final GenericStore store;
    private final Registry registry;

    public Authenticator(ApiserverConfig config, GenericStore store, Registry registry) {
        this.store = store;
        this.registry = registry;
        this.anonymous = config.anonymousAuth();
        try {
            this.x509 = config.clientCaFile().filter(f -> !f.isBlank())
                    .map(f -> new X509Users(certs(f))).orElse(null);
            this.tokens = config.tokenAuthFile().filter(f -> !f.isBlank()).map(f -> {
                try {
                    return TokenFile.load(Path.of(f));
                } catch (IOException e) {
                    throw new IllegalStateException("--token-auth-file: " + e.getMessage(), e);
                }
            }).orElse(null);
            this.serviceAccounts = serviceAccountTokens(config);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        this.enabled = x509 != null || tokens != null || serviceAccounts != null
                || !config.authorizationMode().equals("AlwaysAllow");
        // on by default whenever requests are authenticated at all (upstream's default is off; kubeadm turns it on)
        this.bootstrapTokens = config.enableBootstrapTokenAuth().orElse(enabled)
                ? new BootstrapTokenCache(store.etcd(), bootstrapSecretKeyPrefix(registry)) : null;
        LOG.infof("authentication: client certificates %s, token file %s, bootstrap tokens %s, service account "
                + "tokens %s, anonymous %s", x509 == null ? "off" : "on",
                tokens == null ? "off" : tokens.size() + " token(s)", bootstrapTokens == null ? "off" : "on",
                serviceAccounts == null ? "off" : serviceAccounts.canSign() ? "verify+sign" : "verify", anonymous);
    }

    private static List<X509Certificate> certs(String file) {
        try {
            return Pem.certificates(Path.of(file));
        } catch (IOException e) {
            throw new IllegalStateException("--client-ca-file: " + e.getMessage(), e);
        }
    }

    /** The store key of Secret kube-system/bootstrap-token- without the token id. */
    private static String bootstrapSecretKeyPrefix(Registry registry) {
        return registry.resource("", "v1", "secrets")
                .map(r -> r.key(BootstrapTokens.NAMESPACE, BootstrapTokens.SECRET_PREFIX))
                .orElse("/registry/secrets/" + BootstrapTokens.NAMESPACE + "/" + BootstrapTokens.SECRET_PREFIX);
    }

    static ServiceAccountTokens serviceAccountTokens(ApiserverConfig config) throws IOException {
        List<PublicKey> verify = new ArrayList<>();
        for (String f : config.serviceAccountKeyFile().orElse("").split(",")) {
            if (!f.isBlank()) {
                verify.addAll(Pem.publicKeys(Path.of(f.trim())));
            }
        }
        PrivateKey signing = null;
        PublicKey signingPublic = null;
        String signingFile = config.serviceAccountSigningKeyFile().orElse("");
        if (!signingFile.isBlank()) {
            signing = Pem.privateKey(Path.of(signingFile));
            signingPublic = Pem.publicKeys(Path.of(signingFile)).get(0);
            if (verify.isEmpty()) {
                verify.add(signingPublic);
            }
        }
        if (verify.isEmpty()) {
            return null;
        }
        List<String> audiences = Arrays.stream(config.apiAudiences().orElse("").split(","))
                .map(String::trim).filter(a -> !a.isEmpty()).toList();
        return new ServiceAccountTokens(signing, signingPublic, verify, config.serviceAccountIssuer(),
                audiences.isEmpty() ? List.of(config.serviceAccountIssuer()) : audiences);
    }

    /** Whether requests are authenticated at all (any authenticator or a mode other than AlwaysAllow). */
    public boolean enabled() {
        return enabled;
    }

    public ServiceAccountTokens serviceAccounts() {
        return serviceAccounts;
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", "Unauthorized");
    }

    /** The user of a request; fails with a 401 ApiException when its credentials are refused. */
    public CompletableFuture<UserInfo> authenticate(HttpServerRequest request) {
        if (x509 != null && request.isSSL()) {
            try {
                List<Certificate> chain = request.connection().peerCertificates();
                if (chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf) {
                    UserInfo u = x509.user(leaf);
                    if (u != null) {
                        return CompletableFuture.completedFuture(u.authenticated());
                    }
                    LOG.debugf("client certificate %s refused", leaf.getSubjectX500Principal());
                    return CompletableFuture.failedFuture(unauthorized());
                }
            } catch (SSLPeerUnverifiedException e) {
                // no client certificate: try the token
            }
        }
        String auth = request.getHeader("Authorization");
        if (auth != null) {
            String token = bearer(auth);
            if (token == null) {
                return CompletableFuture.failedFuture(unauthorized());
            }
            return token(token);
        }
        return anonymous ? CompletableFuture.completedFuture(UserInfo.anonymous())
                : CompletableFuture.failedFuture(unauthorized());
    }

    static String bearer(String header) {
        String h = header.trim();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = h.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    /** The user of a bearer token (token file, then bootstrap tokens, then service account tokens). */
    public CompletableFuture<UserInfo> token(String token) {
        if (tokens != null) {
            UserInfo u = tokens.user(token);
            if (u != null) {
                return CompletableFuture.completedFuture(u.authenticated());
            }
        }
        BootstrapTokens.Parsed bootstrap = bootstrapTokens == null ? null : BootstrapTokens.parse(token);
        if (bootstrap != null) { // a JWT never has this form: no other authenticator can take it
            return bootstrapTokens.secret(bootstrap.id()).thenApply(secret -> {
                BootstrapTokens.Verdict v = BootstrapTokens.check(bootstrap, secret, java.time.Instant.now());
                if (v.user() == null) {
                    LOG.debugf("bootstrap token refused: %s", v.refusal());
                    throw unauthorized();
                }
                return v.user();
            });
        }
        if (serviceAccounts != null) {
            ServiceAccountTokens.Claims c;
            try {
                c = serviceAccounts.verify(token, System.currentTimeMillis() / 1000);
            } catch (IllegalArgumentException e) {
                LOG.debugf("service account token refused: %s", e.getMessage());
                return CompletableFuture.failedFuture(unauthorized());
            }
            if (c != null) {
                return bound(c).thenApply(v -> c.user().authenticated());
            }
        }
        return CompletableFuture.failedFuture(unauthorized());
    }

    /** A bound token is valid while its service account (and pod) still exist with the uids it names. */
    private CompletableFuture<Void> bound(ServiceAccountTokens.Claims c) {
        CompletableFuture<Void> sa = exists("serviceaccounts", c.namespace(), c.serviceAccount(),
                c.serviceAccountUid());
        if (c.podName() == null) {
            return sa;
        }
        return sa.thenCompose(v -> exists("pods", c.namespace(), c.podName(), c.podUid()));
    }

    private CompletableFuture<Void> exists(String resource, String ns, String name, String uid) {
        return store.get(registry.resource("", "v1", resource).orElseThrow(), ns, name).handle((ObjectNode o,
                Throwable t) -> {
            if (t != null || o == null) {
                LOG.debugf("token refused: %s %s/%s is gone", resource, ns, name);
                throw unauthorized();
            }
            if (uid != null && !uid.isEmpty() && !uid.equals(Json.str(o, "metadata.uid"))) {
                LOG.debugf("token refused: %s %s/%s has another uid", resource, ns, name);
                throw unauthorized();
            }
            if (resource.equals("pods") && o.path("metadata").hasNonNull("deletionTimestamp")) {
                throw unauthorized();
            }
            return null;
        });
    }
}
