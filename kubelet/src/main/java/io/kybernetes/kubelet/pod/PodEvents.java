package io.kybernetes.kubelet.pod;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Posts core/v1 Events about pods (Pulling, Started, Killing, BackOff...) for `kubectl describe`, off the sync path. */
public class PodEvents implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PodEvents.class);

    private final KubernetesClient client;
    private final String nodeName;
    private final ExecutorService poster = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pod-events");
        t.setDaemon(true);
        return t;
    });

    public PodEvents(KubernetesClient client, String nodeName) {
        this.client = client;
        this.nodeName = nodeName;
    }

    /** No events (tests). */
    public static PodEvents none() {
        return new PodEvents(null, null) {
            @Override
            public void record(Pod pod, String container, String type, String reason, String message) {
            }
        };
    }

    public void normal(Pod pod, String container, String reason, String message) {
        record(pod, container, "Normal", reason, message);
    }

    public void warning(Pod pod, String container, String reason, String message) {
        record(pod, container, "Warning", reason, message);
    }

    public void record(Pod pod, String container, String type, String reason, String message) {
        Instant now = Instant.now();
        String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Event e = new EventBuilder()
                .withNewMetadata()
                .withName(pod.getMetadata().getName() + "." + Long.toHexString(now.toEpochMilli() * 1_000_000L + now.getNano() % 1_000_000))
                .withNamespace(pod.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod")
                .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .withFieldPath(container == null ? null : "spec.containers{" + container + "}")
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
                .withReportingComponent("kubelet").withReportingInstance(nodeName)
                .withFirstTimestamp(ts).withLastTimestamp(ts).withCount(1)
                .build();
        poster.execute(() -> {
            try {
                client.v1().events().inNamespace(e.getMetadata().getNamespace()).resource(e).create();
            } catch (RuntimeException ex) {
                LOG.debugf("event %s for %s/%s not posted: %s", reason, e.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), ex.getMessage());
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
