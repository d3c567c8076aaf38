package io.kybernetes.controllers.hpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.kybernetes.controllers.MockApi;
import io.kybernetes.controllers.events.EventRecorder;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.reconcile.Result;

/** One reconcile at a time against the mock API's informers and a fake scale/metrics client. */
class HorizontalPodAutoscalerControllerTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    final MockApi api = new MockApi();
    final Informers informers = new Informers(api.client);
    final List<String> events = new ArrayList<>();
    final List<String> actions = new ArrayList<>();
    final Map<String, AutoscalerClient.PodUsage> metrics = new HashMap<>();
    AutoscalerClient.Scale scale = new AutoscalerClient.Scale(1, 1, "app=web");
    HorizontalPodAutoscaler status;

    final HorizontalPodAutoscalerController controller = new HorizontalPodAutoscalerController(informers,
            new AutoscalerClient() {
                @Override
                public Scale getScale(String ns, String apiVersion, String kind, String name) {
                    if (scale == null) {
                        throw new IllegalStateException("deployments.apps \"" + name + "\" not found");
                    }
                    return scale;
                }

                @Override
                public void setReplicas(String ns, String apiVersion, String kind, String name, int replicas) {
                    actions.add("scale " + kind + "/" + name + " to " + replicas);
                }

                @Override
                public Map<String, PodUsage> podMetrics(String namespace) {
                    return metrics;
                }

                @Override
                public void updateStatus(HorizontalPodAutoscaler hpa) {
                    status = hpa;
                }
            }, (EventRecorder) (o, type, reason, message) -> events.add(reason + ": " + message),
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(15), 0.1, Duration.ofMinutes(5), 1);

    @AfterEach
    void close() {
        informers.stop();
        api.close();
    }

    void given(int min, int max, Pod... pods) throws Exception {
        api.client.autoscaling().v2().horizontalPodAutoscalers().resource(new HorizontalPodAutoscalerBuilder()
                .withNewMetadata().withName("web").withNamespace("ns").endMetadata().withNewSpec()
                .withNewScaleTargetRef("apps/v1", "Deployment", "web").withMinReplicas(min).withMaxReplicas(max)
                .addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
                .withType("Utilization").withAverageUtilization(50).endTarget().endResource().endMetric()
                .endSpec().build()).create();
        for (Pod p : pods) {
            api.client.pods().resource(p).create();
        }
        informers.start().get(10, TimeUnit.SECONDS);
    }

    static Pod pod(String name, String cpuRequest) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").addToLabels("app", "web")
                .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox").withNewResources()
                .addToRequests("cpu", new Quantity(cpuRequest)).endResources().endContainer().endSpec()
                .withNewStatus().withPhase("Running").withStartTime("2026-11-24T09:00:00Z").addNewCondition()
                .withType("Ready").withStatus("True").withLastTransitionTime("2026-11-24T09:00:05Z").endCondition()
                .endStatus().build();
    }

    void uses(String pod, long milliCores) {
        metrics.put(pod, new AutoscalerClient.PodUsage(Map.of("cpu", milliCores, "memory", 1_000_000L), NOW, 15));
    }

    String condition(String type) {
        for (HorizontalPodAutoscalerCondition c : status.getStatus().getConditions()) {
            if (c.getType().equals(type)) {
                return c.getStatus() + " " + c.getReason();
            }
        }
        return "absent";
    }

    @Test
    void scalesUpToMaxWhenUsageIsAboveTarget() throws Exception {
        given(1, 3, pod("web-1", "100m"));
        uses("web-1", 180);
        assertEquals(Result.requeueAfter(Duration.ofSeconds(15)), controller.reconcile("ns/web"));
        assertEquals(List.of("scale Deployment/web to 3"), actions);
        assertEquals(List.of("SuccessfulRescale: New size: 3; reason: cpu resource utilization (percentage of "
                + "request) above target"), events);
        assertEquals(3, status.getStatus().getDesiredReplicas());
        assertEquals(1, status.getStatus().getCurrentReplicas());
        var current = status.getStatus().getCurrentMetrics().get(0).getResource().getCurrent();
        assertEquals(180, current.getAverageUtilization());
        assertEquals(new Quantity("180m"), current.getAverageValue());
        assertEquals("True SucceededRescale", condition("AbleToScale"));
        assertEquals("True ValidMetricFound", condition("ScalingActive"));
        assertEquals("True TooManyReplicas", condition("ScalingLimited"));
        assertTrue(status.getStatus().getLastScaleTime() != null);
    }

    @Test
    void withinToleranceNothingChanges() throws Exception {
        scale = new AutoscalerClient.Scale(2, 2, "app=web");
        given(1, 5, pod("web-1", "100m"), pod("web-2", "100m"));
        uses("web-1", 52);
        uses("web-2", 50);
        controller.reconcile("ns/web");
        assertEquals(List.of(), actions);
        assertEquals(2, status.getStatus().getDesiredReplicas());
        assertEquals("True ReadyForNewScale", condition("AbleToScale"));
        assertEquals("False DesiredWithinRange", condition("ScalingLimited"));
    }

    @Test
    void noMetricsMakesScalingInactive() throws Exception {
        given(1, 3, pod("web-1", "100m"));
        controller.reconcile("ns/web");
        assertEquals(List.of(), actions);
        assertEquals("False FailedGetResourceMetric", condition("ScalingActive"));
        assertTrue(events.stream().anyMatch(e -> e.startsWith("FailedGetResourceMetric: failed to get cpu "
                + "utilization: unable to get metrics for resource cpu: no metrics returned")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("FailedComputeMetricsReplicas: invalid metrics "
                + "(1 invalid out of 1)")), events.toString());
    }

    @Test
    void aMissingTargetCannotBeScaled() throws Exception {
        scale = null;
        given(1, 3);
        controller.reconcile("ns/web");
        assertEquals("False FailedGetScale", condition("AbleToScale"));
        assertEquals(List.of("FailedGetScale: deployments.apps \"web\" not found"), events);
    }

    @Test
    void belowMinReplicasScalesToMin() throws Exception {
        scale = new AutoscalerClient.Scale(1, 1, "app=web");
        given(2, 4, pod("web-1", "100m"));
        controller.reconcile("ns/web");
        assertEquals(List.of("scale Deployment/web to 2"), actions);
        assertEquals(List.of("SuccessfulRescale: New size: 2; reason: Current number of replicas below "
                + "Spec.MinReplicas"), events);
    }

    @Test
    void aTargetAtZeroIsNotScaled() throws Exception {
        scale = new AutoscalerClient.Scale(0, 0, "app=web");
        given(1, 4);
        controller.reconcile("ns/web");
        assertEquals(List.of(), actions);
        assertEquals("False ScalingDisabled", condition("ScalingActive"));
    }

    @Test
    void aDeletedHpaIsForgotten() throws Exception {
        given(1, 3);
        assertEquals(Result.done(), controller.reconcile("ns/gone"));
    }
}
