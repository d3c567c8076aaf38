package io.kybernetes.controllers.hpa;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
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

    /**
     * Read as JSON trees rather than fabric8's PodMetrics: its Duration parser reads a Go duration with a fraction
     * ("15.004649313s", as metrics-server writes windows) as 1291 hours.
     */
    @Override
    public Map<String, PodUsage> podMetrics(String namespace) {
        Map<String, PodUsage> out = new HashMap<>();
        String body = client.raw("/apis/metrics.k8s.io/v1beta1/namespaces/" + namespace + "/pods");
        if (body == null) {
            return out;
        }
        JsonNode list;
        try {
            list = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable PodMetricsList: " + e.getMessage());
        }
        for (JsonNode m : list.path("items")) {
            Map<String, Long> sum = new HashMap<>();
            for (JsonNode c : m.path("containers")) {
                c.path("usage").fields().forEachRemaining(e -> sum.merge(e.getKey(),
                        milli(new Quantity(e.getValue().asText())), Long::sum));
            }
            out.put(m.path("metadata").path("name").asText(), new PodUsage(sum,
                    time(m.path("timestamp").asText(null)), goDurationSeconds(m.path("window").asText(""))));
        }
        return out;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?)(ns|us|µs|ms|s|m|h)");

    /** Whole seconds of a Go duration string ("15.004649313s", "1m0.5s"); 0 when unreadable. */
    static long goDurationSeconds(String text) {
        Matcher m = GO_DURATION_PART.matcher(text);
        double seconds = 0;
        int at = 0;
        while (m.find() && m.start() == at) {
            double v = Double.parseDouble(m.group(1));
            seconds += switch (m.group(2)) {
                case "h" -> v * 3600;
                case "m" -> v * 60;
                case "s" -> v;
                case "ms" -> v / 1e3;
                case "us", "µs" -> v / 1e6;
                default -> v / 1e9;
            };
            at = m.end();
        }
        return at == text.length() && at > 0 ? (long) seconds : 0;
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
}
