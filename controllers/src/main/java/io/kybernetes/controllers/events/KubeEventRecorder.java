package io.kybernetes.controllers.events;

import java.time.Clock;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kybernetes.controllers.reconcile.Times;

/** Writes core/v1 Events named {@code <object>.<hex nanos>} from the given component. */
public final class KubeEventRecorder implements EventRecorder {

    private static final Logger LOG = Logger.getLogger(KubeEventRecorder.class);
    private final KubernetesClient client;
    private final String component;
    private final Clock clock;

    public KubeEventRecorder(KubernetesClient client, String component, Clock clock) {
        this.client = client;
        this.component = component;
        this.clock = clock;
    }

    @Override
    public void event(HasMetadata o, String type, String reason, String message) {
        String ns = o.getMetadata().getNamespace() == null ? "default" : o.getMetadata().getNamespace();
        String now = Times.format(clock.instant());
        Event e = new EventBuilder().withNewMetadata().withNamespace(ns)
                .withName(o.getMetadata().getName() + "." + Long.toHexString(System.nanoTime() ^ clock.millis()))
                .endMetadata().withNewInvolvedObject().withApiVersion(o.getApiVersion()).withKind(o.getKind())
                .withNamespace(o.getMetadata().getNamespace()).withName(o.getMetadata().getName())
                .withUid(o.getMetadata().getUid()).withResourceVersion(o.getMetadata().getResourceVersion())
                .endInvolvedObject().withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(component).endSource().withFirstTimestamp(now).withLastTimestamp(now)
                .withCount(1).withReportingComponent(component).build();
        LOG.debugf("event %s %s on %s %s/%s: %s", type, reason, o.getKind(), ns, o.getMetadata().getName(), message);
        try {
            client.v1().events().inNamespace(ns).resource(e).create();
        } catch (KubernetesClientException ex) {
            LOG.debugf("cannot record event %s: %s", reason, ex.getMessage());
        }
    }
}
