package io.kybernetes.proxy.overlay;

import java.time.Duration;
import java.util.Map;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.proxy.ProxyConfig;
import io.kybernetes.proxy.exec.HostCommand;
import io.kybernetes.proxy.node.NodeAddresses;
import io.kybernetes.proxy.sync.SyncRunner;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * {@code --overlay=vxlan}: a Node informer whose handlers only request a pass of the {@link OverlayAgent}; the
 * {@link SyncRunner} coalesces bursts and resyncs every sync period. {@code --overlay=none} (the default) does nothing.
 */
@ApplicationScoped
public class OverlayWatcher {

    private static final Logger LOG = Logger.getLogger(OverlayWatcher.class);

    @Inject
    KubernetesClient client;

    @Inject
    ProxyConfig config;

    private SharedIndexInformer<Node> nodes;
    private SyncRunner runner;
    private OverlayAgent agent;
    private long lastFull;

    void onStart(@Observes StartupEvent ev) {
        if (!"vxlan".equals(config.overlay())) {
            return;
        }
        String nodeName = NodeAddresses.nodeName(config.hostnameOverride().orElse(null));
        HostCommand host = HostCommand.withPrefix(config.execPrefix().orElse(""));
        agent = new OverlayAgent(nodeName, new OverlayCommands(OverlayCommands.DEVICE), c -> host.run(c, null),
                this::annotate);
        Duration period = config.syncPeriod();
        runner = new SyncRunner("overlay-sync", Duration.ofMillis(200), period, this::syncOnce);
        runner.start();
        nodes = client.nodes().runnableInformer(0);
        nodes.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node obj) {
                runner.request();
            }

            @Override
            public void onUpdate(Node oldObj, Node newObj) {
                runner.request();
            }

            @Override
            public void onDelete(Node obj, boolean deletedFinalStateUnknown) {
                runner.request();
            }
        });
        nodes.exceptionHandler((started, t) -> {
            LOG.warnf("watching Nodes failed, retrying: %s", t.getMessage());
            return true;
        });
        nodes.start().whenComplete((ok, err) -> runner.request());
        LOG.infof("overlay vxlan on node %s: device %s, VNI %d, UDP %d", nodeName, OverlayCommands.DEVICE,
                OverlayCommands.VNI, OverlayCommands.PORT);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (runner != null) {
            runner.close();
        }
        if (nodes != null) {
            nodes.stop();
        }
    }

    private boolean syncOnce() {
        if (!nodes.hasSynced()) {
            return true;
        }
        long now = System.nanoTime();
        boolean full = now - lastFull >= config.syncPeriod().toNanos();
        boolean ok = agent.sync(nodes.getStore().list(), full);
        if (ok && full) {
            lastFull = now;
        }
        return ok;
    }

    private void annotate(String node, Map<String, String> annotations) {
        Node patch = new NodeBuilder().withNewMetadata().withAnnotations(annotations).endMetadata().build();
        client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
}
