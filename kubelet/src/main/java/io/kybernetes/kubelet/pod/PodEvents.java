package io.kybernetes.kubelet.pod;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.kubelet.events.EventRecorder;

/** Events about pods (Pulling, Started, Killing, BackOff...) for `kubectl describe`, off the sync path. */
public class PodEvents implements AutoCloseable {

    private final EventRecorder recorder;

    public PodEvents(KubernetesClient client, String nodeName) {
        this.recorder = client == null ? null : new EventRecorder(client, nodeName, "pod-events");
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
        String ns = pod.getMetadata().getNamespace();
        recorder.record(ns, new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(ns)
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                .withFieldPath(container == null ? null : "spec.containers{" + container + "}").build(),
                type, reason, message);
    }

    @Override
    public void close() {
        if (recorder != null) {
            recorder.close();
        }
    }
}
