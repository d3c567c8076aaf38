package io.kybernetes.kubelet.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Posts core/v1 Events from the kubelet (source component "kubelet", host = the node) on one background thread, so
 * callers on a sync path never wait for the API; a failed post is logged at DEBUG and dropped, as upstream's
 * recorder does when the API is away.
 */
public class EventRecorder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final String nodeName;
    private final ExecutorService poster;

    public EventRecorder(KubernetesClient client, String nodeName, String threadName) {
        this.client = client;
        this.nodeName = nodeName;
        this.poster = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** An Event in {@code namespace} about {@code involved}, named {@code <involved name>.<unique hex>}. */
    public void record(String namespace, ObjectReference involved, String type, String reason, String message) {
        Instant now = Instant.now();
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Event e = new EventBuilder()
                .withNewMetadata()
                .withName(involved.getName() + "." + Long.toHexString(now.toEpochMilli() * 1_000_000L + now.getNano() % 1_000_000))
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(involved)
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
                .withReportingComponent("kubelet").withReportingInstance(nodeName)
                .withFirstTimestamp(ts).withLastTimestamp(ts).withCount(1)
                .build();
        poster.execute(() -> {
            try {
                client.v1().events().inNamespace(namespace).resource(e).create();
            } catch (RuntimeException ex) {
                LOG.debugf("event %s about %s %s not posted: %s", reason, involved.getKind(), involved.getName(),
                        ex.getMessage());
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
