package io.kybernetes.kubelet.node;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Posts core/v1 Events about this Node (ImageGCFailed, FreeDiskSpaceFailed...), off the caller's thread. As
 * upstream's node reference, the involved object is the Node with its name as uid, in namespace default.
 */
public final class NodeEvents implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NodeEvents.class);

    private final KubernetesClient client;
    private final String nodeName;
    private final ExecutorService poster = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "node-events");
        t.setDaemon(true);
        return t;
    });

    public NodeEvents(KubernetesClient client, String nodeName) {
        this.client = client;
        this.nodeName = nodeName;
    }

    public void warning(String reason, String message) {
        record("Warning", reason, message);
    }

    public void normal(String reason, String message) {
        record("Normal", reason, message);
    }

    private void record(String type, String reason, String message) {
        Instant now = Instant.now();
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Event e = new EventBuilder()
                .withNewMetadata()
                .withName(nodeName + "." + Long.toHexString(now.toEpochMilli() * 1_000_000L + now.getNano() % 1_000_000))
                .withNamespace("default")
                .endMetadata()
                .withNewInvolvedObject().withKind("Node").withName(nodeName).withUid(nodeName).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
                .withReportingComponent("kubelet").withReportingInstance(nodeName)
                .withFirstTimestamp(ts).withLastTimestamp(ts).withCount(1)
                .build();
        poster.execute(() -> {
            try {
                client.v1().events().inNamespace("default").resource(e).create();
            } catch (RuntimeException ex) {
                LOG.debugf("node event %s not posted: %s", reason, ex.getMessage());
            }
        });
    }

    @Override
    public void close() {
        poster.shutdown();
        try {
            poster.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
