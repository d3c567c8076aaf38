package io.kybernetes.scheduler.scheduling;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * {@link ApiWriter} over the fabric8 client. The two writes made for every pod go through fabric8's HTTP client
 * without its typed operations: the Binding is a fixed JSON shape written as text and its answer is only read on
 * failure (fabric8's create serialized a Binding model and parsed the answer into one, the largest share of a
 * binding cycle in the benchmark's profile); events are sent without waiting, at most {@link #MAX_PENDING_EVENTS}
 * in flight, beyond which they are dropped, as upstream's event broadcaster drops when its queue is full.
 */
public final class KubeApiWriter implements ApiWriter {

    private static final Logger LOG = Logger.getLogger(KubeApiWriter.class);
    private static final AtomicLong SEQ = new AtomicLong();
    static final int MAX_PENDING_EVENTS = 1000;
    private final java.util.concurrent.atomic.AtomicInteger pendingEvents = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong droppedEvents = new AtomicLong();

    private final KubernetesClient client;
    private final String component;

    public KubeApiWriter(KubernetesClient client, String component) {
        this.client = client;
        this.component = component;
    }

    @Override
    public void bind(Pod pod, String node) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        // As client-go's Pods(ns).Bind: POST pods/{name}/binding with a v1 Binding.
        String body = "{\"kind\":\"Binding\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":" + quote(name)
                + ",\"namespace\":" + quote(ns) + ",\"uid\":" + quote(pod.getMetadata().getUid())
                + "},\"target\":{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"name\":" + quote(node) + "}}";
        HttpResponse<String> r = send("POST", "/api/v1/namespaces/" + ns + "/pods/" + name + "/binding", body);
        if (r.code() >= 300) {
            throw failure(r, "POST binding of " + ns + "/" + name);
        }
    }

    private String url(String path) {
        String master = client.getMasterUrl().toString();
        return (master.endsWith("/") ? master.substring(0, master.length() - 1) : master) + path;
    }

    private HttpResponse<String> send(String method, String path, String body) {
        HttpClient http = client.getHttpClient();
        var request = http.newHttpRequestBuilder().uri(url(path)).method(method, "application/json", body).build();
        long timeout = Math.max(1000, client.getConfiguration().getRequestTimeout());
        try {
            return http.sendAsync(request, String.class).get(timeout, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException(method + " " + path + " interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new KubernetesClientException(method + " " + path + " failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new KubernetesClientException("The timeout period of " + timeout + "ms has been exceeded while "
                    + "executing " + method + " " + path, e);
        }
    }

    /** The API's Status answer (or one made from the code) as fabric8's exception, as its typed calls throw. */
    private KubernetesClientException failure(HttpResponse<String> r, String what) {
        Status status = null;
        try {
            status = client.getKubernetesSerialization().unmarshal(r.body(), Status.class);
        } catch (RuntimeException e) {
            // not a Status: described below from the code
        }
        if (status == null || status.getCode() == null) {
            status = new StatusBuilder().withStatus("Failure").withCode(r.code())
                    .withMessage(what + " answered " + r.code() + ": " + r.body()).build();
        }
        return new KubernetesClientException(status);
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s == null ? "" : s)) + "\"";
    }

    @Override
    public void markUnschedulable(Pod pod, String message) {
        markUnschedulable(pod, message, null);
    }

    @Override
    public void markUnschedulable(Pod pod, String message, String nominatedNode) {
        String now = now();
        for (int attempt = 0; attempt < 3; attempt++) {
            Pod current = client.pods().inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName()).get();
            if (current == null || current.getMetadata().getDeletionTimestamp() != null
                    || !pod.getMetadata().getUid().equals(current.getMetadata().getUid())) {
                return;
            }
            List<PodCondition> conditions = new ArrayList<>();
            PodCondition old = null;
            if (current.getStatus() != null && current.getStatus().getConditions() != null) {
                for (PodCondition c : current.getStatus().getConditions()) {
                    if ("PodScheduled".equals(c.getType())) {
                        old = c;
                    } else {
                        conditions.add(c);
                    }
                }
            }
            String currentNominated = current.getStatus() == null ? null : current.getStatus().getNominatedNodeName();
            if (old != null && "False".equals(old.getStatus()) && "Unschedulable".equals(old.getReason())
                    && message.equals(old.getMessage())
                    && (nominatedNode == null || nominatedNode.equals(currentNominated))) {
                return; // unchanged
            }
            conditions.add(new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                    .withReason("Unschedulable").withMessage(message)
                    .withLastTransitionTime(old != null && "False".equals(old.getStatus())
                            ? old.getLastTransitionTime() : now)
                    .withLastProbeTime(null).build());
            Pod updated = new PodBuilder(current).editOrNewStatus().withConditions(conditions)
                    .withPhase(current.getStatus() == null || current.getStatus().getPhase() == null ? "Pending"
                            : current.getStatus().getPhase())
                    .withNominatedNodeName(nominatedNode != null ? nominatedNode : currentNominated)
                    .endStatus().build();
            try {
                client.pods().resource(updated).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                LOG.debugf("conflict updating status of %s/%s, retrying", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName());
            }
        }
    }

    @Override
    public void preempt(Pod preemptor, String node, List<Pod> victims) {
        for (Pod victim : victims) {
            String ns = victim.getMetadata().getNamespace();
            String name = victim.getMetadata().getName();
            try {
                Pod current = client.pods().inNamespace(ns).withName(name).get();
                if (current != null && victim.getMetadata().getUid().equals(current.getMetadata().getUid())) {
                    List<PodCondition> conditions = new ArrayList<>();
                    if (current.getStatus() != null && current.getStatus().getConditions() != null) {
                        current.getStatus().getConditions().stream()
                                .filter(c -> !"DisruptionTarget".equals(c.getType())).forEach(conditions::add);
                    }
                    conditions.add(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
                            .withReason("PreemptionByScheduler")
                            .withMessage(component + ": preempting to accommodate a higher priority pod")
                            .withLastTransitionTime(now()).build());
                    client.pods().resource(new PodBuilder(current).editOrNewStatus().withConditions(conditions)
                            .endStatus().build()).updateStatus();
                }
            } catch (KubernetesClientException e) {
                LOG.debugf("could not mark %s/%s as a disruption target: %s", ns, name, e.getMessage());
            }
            try {
                client.pods().inNamespace(ns).withName(name).delete();
                LOG.infof("preempted %s/%s on %s for %s/%s", ns, name, node, preemptor.getMetadata().getNamespace(),
                        preemptor.getMetadata().getName());
                event(victim, "Normal", "Preempted", "Preempted by pod " + preemptor.getMetadata().getUid()
                        + " on node " + node);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void clearNomination(Pod pod) {
        Pod current = client.pods().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).get();
        if (current == null || current.getStatus() == null || current.getStatus().getNominatedNodeName() == null
                || !pod.getMetadata().getUid().equals(current.getMetadata().getUid())) {
            return;
        }
        current.getStatus().setNominatedNodeName(null);
        client.pods().resource(current).updateStatus();
    }

    @Override
    public void selectNode(PersistentVolumeClaim claim, String node) {
        client.persistentVolumeClaims().inNamespace(claim.getMetadata().getNamespace())
                .withName(claim.getMetadata().getName())
                .edit(c -> new PersistentVolumeClaimBuilder(c).editMetadata()
                        .addToAnnotations("volume.kubernetes.io/selected-node", node).endMetadata().build());
        LOG.infof("selected node %s for claim %s/%s", node, claim.getMetadata().getNamespace(),
                claim.getMetadata().getName());
    }

    @Override
    public void event(Pod pod, String type, String reason, String message) {
        String now = now();
        // Reported by the profile that schedules the pod (its spec.schedulerName), as upstream's recorders.
        String component = pod.getSpec() != null && pod.getSpec().getSchedulerName() != null
                && !pod.getSpec().getSchedulerName().isEmpty() ? pod.getSpec().getSchedulerName() : this.component;
        String name = pod.getMetadata().getName() + "."
                + Long.toHexString(System.currentTimeMillis() * 1_000_000L + SEQ.incrementAndGet() % 1_000_000L);
        Event e = new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(pod.getMetadata().getNamespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod")
                .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).withResourceVersion(pod.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(component).endSource()
                .withReportingComponent(component).withReportingInstance(component)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withAction("Scheduling")
                .build();
        if (pendingEvents.incrementAndGet() > MAX_PENDING_EVENTS) {
            pendingEvents.decrementAndGet();
            if (droppedEvents.incrementAndGet() % 1000 == 1) {
                LOG.warnf("events: %d in flight, dropped %d so far (latest: %s %s)", MAX_PENDING_EVENTS,
                        droppedEvents.get(), reason, name);
            }
            return;
        }
        String ns = pod.getMetadata().getNamespace();
        HttpClient http = client.getHttpClient();
        var request = http.newHttpRequestBuilder().uri(url("/api/v1/namespaces/" + ns + "/events"))
                .method("POST", "application/json", client.getKubernetesSerialization().asJson(e)).build();
        http.sendAsync(request, String.class).whenComplete((r, t) -> {
            pendingEvents.decrementAndGet();
            if (t != null || r.code() >= 300) {
                LOG.debugf("could not record %s event for %s/%s: %s", reason, ns, pod.getMetadata().getName(),
                        t != null ? t.toString() : r.code() + " " + r.body());
            }
        });
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
