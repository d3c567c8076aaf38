package io.kybernetes.kubelet.certificate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.launcher.ApiClients;
import io.kybernetes.launcher.pki.Issued;
import io.kybernetes.launcher.pki.Pem;

/**
 * The kubelet's TLS bootstrap, as upstream's: when {@code --kubeconfig} is missing or unusable (no such file, or its
 * client certificate expired) and a {@code --bootstrap-kubeconfig} is given, the kubelet asks for its client
 * certificate (user system:node:NAME, group system:nodes, signer kubernetes.io/kube-apiserver-client-kubelet) with
 * the bootstrap kubeconfig's credentials (a bootstrap token), keeps it in the {@link CertificateStore}
 * ({@code kubelet-client-current.pem}) and writes {@code --kubeconfig} naming that file, with the bootstrap
 * kubeconfig's server and CA. A still valid certificate in the store is reused without a new request.
 */
public final class TlsBootstrap {

    private static final Logger LOG = Logger.getLogger(TlsBootstrap.class);

    private TlsBootstrap() {
    }

    /** Whether {@code kubeconfig} can be used as it is: readable, and any client certificate in it not expired. */
    public static boolean usable(Path kubeconfig, Clock clock) {
        if (!Files.isReadable(kubeconfig)) {
            return false;
        }
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            String pem = null;
            if (config.getClientCertData() != null && !config.getClientCertData().isBlank()) {
                pem = new String(Base64.getDecoder().decode(config.getClientCertData().trim()), StandardCharsets.US_ASCII);
            } else if (config.getClientCertFile() != null && !config.getClientCertFile().isBlank()) {
                pem = Files.readString(kubeconfig.toAbsolutePath().getParent().resolve(config.getClientCertFile()));
            }
            if (pem == null) {
                return true;
            }
            X509Certificate cert = CertificateStore.certificates(pem).get(0);
            if (!cert.getNotAfter().toInstant().isAfter(clock.instant())) {
                LOG.infof("the client certificate of %s expired at %s", kubeconfig, cert.getNotAfter().toInstant());
                return false;
            }
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.infof("%s is unusable: %s", kubeconfig, e.getMessage());
            return false;
        }
    }

    /**
     * Makes {@code kubeconfig} usable, bootstrapping when it is not.
     *
     * @return whether a bootstrap (a new kubeconfig) happened
     * @throws CertificateRequestException when the certificate did not come (refused, or not in {@code timeout})
     */
    public static boolean run(Path kubeconfig, Path bootstrapKubeconfig, CertificateStore store, String nodeName,
            Duration timeout, Clock clock) throws CertificateRequestException, IOException {
        if (usable(kubeconfig, clock)) {
            return false;
        }
        if (!Files.isReadable(bootstrapKubeconfig)) {
            throw new IOException("--kubeconfig " + kubeconfig + " is missing or unusable and --bootstrap-kubeconfig "
                    + bootstrapKubeconfig + " cannot be read");
        }
        Config boot = Config.fromKubeconfig(null, Files.readString(bootstrapKubeconfig), bootstrapKubeconfig.toString());
        String caData = caData(boot, bootstrapKubeconfig);
        Optional<Issued> current = store.current()
                .filter(i -> i.cert().getNotAfter().toInstant().isAfter(clock.instant().plusSeconds(60)));
        if (current.isPresent()) {
            LOG.infof("using the client certificate in %s (valid until %s)", store.currentPath(),
                    current.get().cert().getNotAfter().toInstant());
        } else {
            LOG.infof("--kubeconfig %s is missing or unusable: requesting a client certificate for system:node:%s "
                    + "with --bootstrap-kubeconfig %s", kubeconfig, nodeName, bootstrapKubeconfig);
            CertificateRequest.Result r;
            try (KubernetesClient client = ApiClients.fromKubeconfig(bootstrapKubeconfig, true)) {
                r = CertificateRequest.client(nodeName).submit(client, timeout, clock);
            }
            Path file = store.update(r.chain(), r.key());
            LOG.infof("client certificate issued to %s, valid until %s: %s", r.leaf().getSubjectX500Principal(),
                    r.leaf().getNotAfter().toInstant(), file);
        }
        writeKubeconfig(kubeconfig, boot.getMasterUrl(), caData, boot.isTrustCerts(), store.currentPath());
        LOG.infof("wrote %s (client certificate %s)", kubeconfig, store.currentPath());
        return true;
    }

    private static String caData(Config boot, Path bootstrapKubeconfig) throws IOException {
        if (boot.getCaCertData() != null && !boot.getCaCertData().isBlank()) {
            return boot.getCaCertData().trim();
        }
        if (boot.getCaCertFile() != null && !boot.getCaCertFile().isBlank()) {
            byte[] pem = Files.readAllBytes(bootstrapKubeconfig.toAbsolutePath().getParent()
                    .resolve(boot.getCaCertFile()));
            return Base64.getEncoder().encodeToString(pem);
        }
        return null;
    }

    /** The node's kubeconfig as upstream's bootstrap writes it: the certificate by path, so rotation needs no edit. */
    static String kubeconfigYaml(String server, String caData, boolean insecure, Path certFile) {
        String server2 = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        return "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- cluster:\n"
                + (caData == null ? "" : "    certificate-authority-data: " + caData + "\n")
                + (insecure ? "    insecure-skip-tls-verify: true\n" : "")
                + "    server: " + server2 + "\n"
                + "  name: default-cluster\n"
                + "contexts:\n"
                + "- context:\n"
                + "    cluster: default-cluster\n"
                + "    namespace: default\n"
                + "    user: default-auth\n"
                + "  name: default-context\n"
                + "current-context: default-context\n"
                + "preferences: {}\n"
                + "users:\n"
                + "- name: default-auth\n"
                + "  user:\n"
                + "    client-certificate: " + certFile.toAbsolutePath() + "\n"
                + "    client-key: " + certFile.toAbsolutePath() + "\n";
    }

    static void writeKubeconfig(Path kubeconfig, String server, String caData, boolean insecure, Path certFile)
            throws IOException {
        Pem.write(kubeconfig, kubeconfigYaml(server, caData, insecure, certFile), "rw-------");
    }
}
