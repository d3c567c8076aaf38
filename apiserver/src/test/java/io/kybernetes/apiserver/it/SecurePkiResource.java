package io.kybernetes.apiserver.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

import io.kybernetes.apiserver.authentication.TestPki;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real etcd (EtcdResource) plus a PKI generated for the test in /tmp/apiserver-it-pki-*: a client/serving CA,
 * the serving certificate for 127.0.0.1, an admin certificate (O=system:masters), a user certificate, a
 * certificate of another CA, the service account signing key and a static token file; the apiserver runs with
 * TLS, client certificates, tokens and --authorization-mode=Node,RBAC.
 */
public class SecurePkiResource implements QuarkusTestResourceLifecycleManager {

    static Path dir;
    private final EtcdResource etcd = new EtcdResource();

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(etcd.start());
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "apiserver-it-pki-");
            TestPki.Issued ca = TestPki.ca("it-ca");
            TestPki.write(dir.resolve("ca.crt"), ca.cert());
            TestPki.Issued serving = TestPki.issue(ca, "CN=kube-apiserver", "127.0.0.1", 2);
            TestPki.write(dir.resolve("server.crt"), serving.cert());
            TestPki.write(dir.resolve("server.key"), serving.keys().getPrivate());
            TestPki.Issued admin = TestPki.issue(ca, "O=system:masters,CN=it-admin", null, 2);
            TestPki.write(dir.resolve("admin.crt"), admin.cert());
            TestPki.write(dir.resolve("admin.key"), admin.keys().getPrivate());
            TestPki.Issued jane = TestPki.issue(ca, "O=dev,O=qa,CN=jane", null, 2);
            TestPki.write(dir.resolve("jane.crt"), jane.cert());
            TestPki.write(dir.resolve("jane.key"), jane.keys().getPrivate());
            TestPki.Issued other = TestPki.ca("it-ca");
            TestPki.Issued evil = TestPki.issue(other, "O=system:masters,CN=it-admin", null, 2);
            TestPki.write(dir.resolve("evil.crt"), evil.cert());
            TestPki.write(dir.resolve("evil.key"), evil.keys().getPrivate());
            TestPki.write(dir.resolve("sa.key"), TestPki.rsa());
            Files.writeString(dir.resolve("tokens.csv"), "alice-token,alice,alice-uid,\"dev,ops\"\n");
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        config.put("kybernetes.tls-cert-file", dir.resolve("server.crt").toString());
        config.put("kybernetes.tls-private-key-file", dir.resolve("server.key").toString());
        config.put("kybernetes.client-ca-file", dir.resolve("ca.crt").toString());
        config.put("kybernetes.token-auth-file", dir.resolve("tokens.csv").toString());
        config.put("kybernetes.service-account-signing-key-file", dir.resolve("sa.key").toString());
        config.put("kybernetes.service-account-key-file", dir.resolve("sa.key").toString());
        config.put("kybernetes.authorization-mode", "Node,RBAC");
        return config;
    }

    @Override
    public void stop() {
        etcd.stop();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
