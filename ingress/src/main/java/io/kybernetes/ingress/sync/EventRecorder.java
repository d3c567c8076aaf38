package io.kybernetes.ingress.sync;

import java.time.Instant;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** core/v1 Events about the controller's own pod, as ingress-nginx reports reloads (reason RELOAD). */
public class EventRecorder {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String pod;

    public EventRecorder(KubernetesClient client, String namespace, String pod) {
        this.client = client;
        this.namespace = namespace;
        this.pod = pod;
    }

    public void emit(String type, String reason, String message) {
        if (namespace == null || pod == null) {
            return;
        }
        String now = Instant.now().toString();
        String msg = message.length() > 1000 ? message.substring(0, 1000) + "..." : message;
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withNamespace(namespace)
                    .withName(pod + "." + UUID.randomUUID().toString().substring(0, 8)).endMetadata()
                    .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(namespace)
                    .withName(pod).endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(msg)
                    .withNewSource().withComponent("kybernetes-ingress").endSource()
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withReportingComponent("kybernetes-ingress").build()).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("recording event %s: %s", reason, e.getMessage());
        }
    }
}
