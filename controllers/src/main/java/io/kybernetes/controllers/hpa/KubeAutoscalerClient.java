package io.kybernetes.controllers.hpa;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;

/** {@link AutoscalerClient} over fabric8: the generic scale subresource, metrics.k8s.io, the HPA status. */
public final class KubeAutoscalerClient implements AutoscalerClient {

    private final KubernetesClient client;

    public KubeAutoscalerClient(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Scale getScale(String namespace, String apiVersion, String kind, String name) {
        var s = client.genericKubernetesResources(apiVersion, kind).inNamespace(namespace).withName(name).scale();
        if (s == null) {
            throw new IllegalStateException(kind.toLowerCase() + " \"" + name + "\" not found");
        }
        int spec = s.getSpec() == null || s.getSpec().getReplicas() == null ? 0 : s.getSpec().getReplicas();
        int status = s.getStatus() == null || s.getStatus().getReplicas() == null ? 0 : s.getStatus().getReplicas();
        return new Scale(spec, status, s.getStatus() == null ? null : s.getStatus().getSelector());
    }

    @Override
    public void setReplicas(String namespace, String apiVersion, String kind, String name, int replicas) {
        var r = client.genericKubernetesResources(apiVersion, kind).inNamespace(namespace).withName(name);
        var s = r.scale();
        s.getSpec().setReplicas(replicas);
        r.scale(s);
    }

    @Override
    public Map<String, PodUsage> podMetrics(String namespace) {
        Map<String, PodUsage> out = new HashMap<>();
        for (PodMetrics m : client.top().pods().metrics(namespace).getItems()) {
            Map<String, Long> sum = new HashMap<>();
            for (ContainerMetrics c : m.getContainers()) {
                c.getUsage().forEach((res, q) -> sum.merge(res, milli(q), Long::sum));
            }
            out.put(m.getMetadata().getName(), new PodUsage(sum, time(m.getTimestamp()), seconds(m.getWindow())));
        }
        return out;
    }

    @Override
    public void updateStatus(HorizontalPodAutoscaler hpa) {
        client.autoscaling().v2().horizontalPodAutoscalers().resource(hpa).updateStatus();
    }

    static long milli(Quantity q) {
        return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, java.math.RoundingMode.CEILING)
                .longValueExact();
    }

    private static Instant time(String t) {
        try {
            return t == null ? Instant.now() : Instant.parse(t);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }

    private static long seconds(io.fabric8.kubernetes.api.model.Duration window) {
        return window == null || window.getDuration() == null ? 0 : window.getDuration().toSeconds();
    }
}
