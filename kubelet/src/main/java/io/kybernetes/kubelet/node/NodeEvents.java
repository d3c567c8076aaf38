package io.kybernetes.kubelet.node;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kybernetes.kubelet.events.EventRecorder;

/**
 * Events about this Node (ImageGCFailed, FreeDiskSpaceFailed...). As upstream's node reference, the involved object
 * is the Node with its name as uid, in namespace default.
 */
public final class NodeEvents implements AutoCloseable {

    private final EventRecorder recorder;
    private final String nodeName;

    public NodeEvents(KubernetesClient client, String nodeName) {
        this.recorder = new EventRecorder(client, nodeName, "node-events");
        this.nodeName = nodeName;
    }

    public void warning(String reason, String message) {
        record("Warning", reason, message);
    }

    public void normal(String reason, String message) {
        record("Normal", reason, message);
    }

    private void record(String type, String reason, String message) {
        recorder.record("default", new ObjectReferenceBuilder().withKind("Node").withName(nodeName).withUid(nodeName)
                .build(), type, reason, message);
    }

    @Override
    public void close() {
        recorder.close();
    }
}
