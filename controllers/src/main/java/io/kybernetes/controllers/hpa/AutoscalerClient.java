package io.kybernetes.controllers.hpa;

import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;

/** What the HPA controller asks of the API: the target's scale subresource, pod metrics, its own status. */
public interface AutoscalerClient {

    /** A target's scale: spec.replicas, status.replicas and status.selector. */
    record Scale(int specReplicas, int statusReplicas, String selector) {
    }

    /** A pod's usage from the metrics API, per resource name (milli units), and its sample's time and window. */
    record PodUsage(Map<String, Long> milli, Instant timestamp, long windowSeconds) {
    }

    Scale getScale(String namespace, String apiVersion, String kind, String name);

    void setReplicas(String namespace, String apiVersion, String kind, String name, int replicas);

    /** PodMetrics of the namespace by pod name. */
    Map<String, PodUsage> podMetrics(String namespace);

    void updateStatus(HorizontalPodAutoscaler hpa);
}
