package io.kybernetes.kubelet.certificate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.kubelet.KubeletConfig;
import io.kybernetes.kubelet.node.NodeAddresses;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.quarkus.tls.runtime.config.TlsConfig;

/**
 * Wires TLS bootstrap and rotation into the kubelet. Its startup observer runs before every other one (priority 10),
 * so {@code --kubeconfig} exists when the agent and the API's authentication build their clients: with
 * {@code --bootstrap-kubeconfig} it bootstraps (retrying until the certificate comes). Then, with
 * {@code --rotate-certificates}, the client certificate of the kubeconfig is renewed in the background; with
 * {@code --rotate-server-certificates}, a serving certificate is requested with the node's identity and the HTTPS
 * server is reloaded with each new one (Quarkus' TLS registry reload and its {@link CertificateUpdatedEvent}).
 */
@ApplicationScoped
public class KubeletCertificates {

    private static final Logger LOG = Logger.getLogger(KubeletCertificates.class);
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);
    static final Duration BOOTSTRAP_RETRY = Duration.ofSeconds(5);

    @Inject
    KubeletConfig config;

    @Inject
    TlsConfigurationRegistry tls;

    @Inject
    Event<CertificateUpdatedEvent> certificateUpdated;

    private final List<CertificateManager> managers = new ArrayList<>();
    private KubernetesClient client;
    private volatile boolean stopping;

    /** The directory of the kubelet's certificates: --cert-dir, by default {@code <root-dir>/pki}. */
    public static Path certDir(KubeletConfig config) {
        return config.certDir().filter(s -> !s.isBlank()).map(Path::of)
                .orElseGet(() -> Path.of(config.rootDir()).resolve("pki"));
    }

    void start(@Observes @Priority(10) StartupEvent ev) {
        if (!config.agentEnabled() || config.hollowNodes() > 0) {
            return;
        }
        String nodeName = config.hostnameOverride().filter(s -> !s.isBlank()).map(String::toLowerCase)
                .orElseGet(NodeAddresses::hostname);
        Path kubeconfig = Path.of(config.kubeconfig());
        Clock clock = Clock.systemUTC();
        CertificateStore clientStore = new CertificateStore(certDir(config), "client", clock);
        if (config.bootstrapKubeconfig().filter(s -> !s.isBlank()).isPresent()) {
            Path bootstrap = Path.of(config.bootstrapKubeconfig().get());
            while (!stopping) {
                try {
                    TlsBootstrap.run(kubeconfig, bootstrap, clientStore, nodeName, REQUEST_TIMEOUT, clock);
                    break;
                } catch (IOException e) {
                    LOG.errorf("kubelet cannot start: %s", e.getMessage());
                    Quarkus.asyncExit(1);
                    return;
                } catch (CertificateRequestException | RuntimeException e) {
                    LOG.warnf("TLS bootstrap failed (%s); retrying in %ds", e.getMessage(), BOOTSTRAP_RETRY.toSeconds());
                    try {
                        Thread.sleep(BOOTSTRAP_RETRY.toMillis());
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
        if (!config.rotateCertificates() && !config.rotateServerCertificates()) {
            return;
        }
        try {
            client = NodeClients.fromKubeconfig(kubeconfig, true);
        } catch (RuntimeException e) {
            LOG.errorf("kubelet cannot start: %s", e.getMessage());
            Quarkus.asyncExit(1);
            return;
        }
        if (config.rotateCertificates()) {
            if (usesStore(kubeconfig, clientStore)) {
                CertificateManager m = new CertificateManager("client", clientStore,
                        () -> CertificateRequest.client(nodeName), () -> client, c -> true, () -> {
                        }, REQUEST_TIMEOUT, clock);
                managers.add(m);
                m.start();
            } else {
                LOG.infof("--rotate-certificates: the client certificate of %s is not %s; not rotated", kubeconfig,
                        clientStore.currentPath());
            }
        }
        if (config.rotateServerCertificates()) {
            String nodeIp = config.nodeIp().filter(s -> !s.isBlank()).orElseGet(NodeAddresses::firstNonLoopbackIPv4);
            CertificateStore serverStore = new CertificateStore(certDir(config), "server", clock);
            CertificateManager m = new CertificateManager("serving", serverStore,
                    () -> CertificateRequest.serving(nodeName, List.of(nodeName), List.of(nodeIp)), () -> client,
                    ServingPlaceholder::issued, this::reloadServing, REQUEST_TIMEOUT, clock);
            managers.add(m);
            m.start();
        }
    }

    private static boolean usesStore(Path kubeconfig, CertificateStore store) {
        try {
            var c = io.fabric8.kubernetes.client.Config.fromKubeconfig(null,
                    java.nio.file.Files.readString(kubeconfig), kubeconfig.toString());
            return c.getClientCertFile() != null && kubeconfig.toAbsolutePath().getParent()
                    .resolve(c.getClientCertFile()).normalize().equals(store.currentPath().toAbsolutePath().normalize());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Re-reads the HTTPS server's key and certificate (the files behind the symlink just switched). */
    void reloadServing() {
        var conf = tls.getDefault();
        if (conf.isEmpty()) {
            LOG.warn("no default TLS configuration: the HTTPS server keeps its certificate");
            return;
        }
        if (conf.get().reload()) {
            certificateUpdated.fire(new CertificateUpdatedEvent(TlsConfig.DEFAULT_NAME, conf.get()));
            LOG.info("HTTPS server reloaded with the new serving certificate");
        } else {
            LOG.warn("the HTTPS server's TLS configuration did not reload");
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        stopping = true;
        managers.forEach(CertificateManager::close);
        if (client != null) {
            client.close();
        }
    }
}
