package io.kybernetes.controllers.hpa;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kybernetes.controllers.events.EventRecorder;
import io.kybernetes.controllers.informers.Informers;
import io.kybernetes.controllers.informers.PodState;
import io.kybernetes.controllers.reconcile.QueueController;
import io.kybernetes.controllers.reconcile.Result;

/**
 * The HorizontalPodAutoscaler controller (autoscaling/v2): every HPA is reconciled once per sync period
 * ({@code --horizontal-pod-autoscaler-sync-period}, 15 s). A reconcile reads the target's scale subresource, the
 * selected pods from the shared informer and their usage from the metrics API, computes the replicas each metric
 * wants ({@link ReplicaCalculator}; the largest wins), normalizes them ({@link ScaleNormalizer}: stabilization,
 * policies, min/max), writes the target's scale when it changes (Event SuccessfulRescale) and the HPA's status
 * (currentMetrics, replicas, the AbleToScale, ScalingActive and ScalingLimited conditions).
 * Resource and ContainerResource metrics are supported (cpu, memory); Pods, Object and External need a custom
 * metrics API this cluster does not serve and are reported as invalid.
 */
public final class HorizontalPodAutoscalerController {

    public static final String NAME = "horizontalpodautoscaling";
    private static final Logger LOG = Logger.getLogger(HorizontalPodAutoscalerController.class);

    private final SharedIndexInformer<HorizontalPodAutoscaler> hpas;
    private final SharedIndexInformer<Pod> pods;
    private final AutoscalerClient api;
    private final EventRecorder events;
    private final Clock clock;
    private final Duration syncPeriod;
    private final ReplicaCalculator calculator;
    private final ScaleNormalizer normalizer;
    private final Duration downscaleStabilization;
    private final QueueController queue;

    public HorizontalPodAutoscalerController(Informers informers, AutoscalerClient api, EventRecorder events,
            Clock clock, Duration syncPeriod, double tolerance, Duration downscaleStabilization, int workers) {
        this(informers.of(HorizontalPodAutoscaler.class), informers.pods, api, events, clock, syncPeriod, tolerance,
                downscaleStabilization, workers);
    }

    HorizontalPodAutoscalerController(SharedIndexInformer<HorizontalPodAutoscaler> hpas,
            SharedIndexInformer<Pod> pods, AutoscalerClient api, EventRecorder events, Clock clock,
            Duration syncPeriod, double tolerance, Duration downscaleStabilization, int workers) {
        this.hpas = hpas;
        this.pods = pods;
        this.api = api;
        this.events = events;
        this.clock = clock;
        this.syncPeriod = syncPeriod;
        this.calculator = new ReplicaCalculator(tolerance);
        this.downscaleStabilization = downscaleStabilization;
        this.normalizer = new ScaleNormalizer(downscaleStabilization);
        this.queue = new QueueController(NAME, this::reconcile, workers).dependsOn(hpas, pods);
        // only HPA changes enqueue: pods and metrics are looked at on the next period, as upstream
        hpas.addEventHandler(queue.ownKeyHandler());
    }

    public QueueController queue() {
        return queue;
    }

    Result reconcile(String key) {
        HorizontalPodAutoscaler hpa = hpas.getIndexer().getByKey(key);
        if (hpa == null) {
            normalizer.forget(key);
            return Result.done();
        }
        Instant now = clock.instant();
        HorizontalPodAutoscaler copy = new HorizontalPodAutoscalerBuilder(hpa).build();
        HorizontalPodAutoscalerStatus old = hpa.getStatus();
        List<HorizontalPodAutoscalerCondition> conditions = new ArrayList<>(
                old == null || old.getConditions() == null ? List.of() : old.getConditions());
        String ns = hpa.getMetadata().getNamespace();
        var ref = hpa.getSpec().getScaleTargetRef();
        String reference = ref.getKind() + "/" + ref.getName();
        AutoscalerClient.Scale scale;
        try {
            scale = api.getScale(ns, ref.getApiVersion() == null ? "apps/v1" : ref.getApiVersion(), ref.getKind(),
                    ref.getName());
        } catch (RuntimeException e) {
            String msg = "the HPA controller was unable to get the target's current scale: " + message(e);
            events.warning(hpa, "FailedGetScale", message(e));
            setCondition(conditions, "AbleToScale", false, "FailedGetScale", msg, now);
            writeStatus(hpa, copy, old == null ? 0 : orZero(old.getCurrentReplicas()),
                    old == null ? 0 : orZero(old.getDesiredReplicas()), old == null ? null : old.getCurrentMetrics(),
                    conditions, false, now);
            return Result.requeueAfter(syncPeriod);
        }
        setCondition(conditions, "AbleToScale", true, "SucceededGetScale",
                "the HPA controller was able to get the target's current scale", now);
        int current = scale.specReplicas();
        int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
        int max = hpa.getSpec().getMaxReplicas();
        int desired = 0;
        String reason = "";
        boolean rescale = true;
        List<MetricStatus> statuses = old == null ? null : old.getCurrentMetrics();
        if (current == 0 && min != 0) {
            rescale = false;
            setCondition(conditions, "ScalingActive", false, "ScalingDisabled",
                    "scaling is disabled since the replica count of the target is zero", now);
        } else if (current > max) {
            reason = "Current number of replicas above Spec.MaxReplicas";
            desired = max;
        } else if (current < min) {
            reason = "Current number of replicas below Spec.MinReplicas";
            desired = min;
        } else {
            Computed c = computeReplicas(hpa, scale, current, now);
            if (c.error != null) {
                events.warning(hpa, "FailedComputeMetricsReplicas", c.error);
                setCondition(conditions, "ScalingActive", false, c.errorReason, "the HPA was unable to compute the "
                        + "replica count: " + c.error, now);
                writeStatus(hpa, copy, scale.statusReplicas(), old == null ? 0 : orZero(old.getDesiredReplicas()),
                        c.statuses, conditions, false, now);
                return Result.requeueAfter(syncPeriod);
            }
            setCondition(conditions, "ScalingActive", true, "ValidMetricFound", c.validMessage, now);
            statuses = c.statuses;
            desired = c.replicas;
            if (desired > current) {
                reason = c.metricName + " above target";
            } else if (desired < current) {
                reason = "All metrics below target";
            }
            Behavior behavior = behavior(hpa);
            ScaleNormalizer.Outcome o = behavior == null ? normalizer.normalize(key, current, desired, min, max, now)
                    : normalizer.normalize(key, current, desired, min, max, behavior, now);
            setCondition(conditions, "AbleToScale", o.ableToScale().status(), o.ableToScale().reason(),
                    o.ableToScale().message(), now);
            setCondition(conditions, "ScalingLimited", o.scalingLimited().status(), o.scalingLimited().reason(),
                    o.scalingLimited().message(), now);
            desired = o.replicas();
            rescale = desired != current;
        }
        if (rescale) {
            try {
                api.setReplicas(ns, ref.getApiVersion() == null ? "apps/v1" : ref.getApiVersion(), ref.getKind(),
                        ref.getName(), desired);
            } catch (RuntimeException e) {
                events.warning(hpa, "FailedRescale", "New size: " + desired + "; reason: " + reason + "; error: "
                        + message(e));
                setCondition(conditions, "AbleToScale", false, "FailedUpdateScale",
                        "the HPA controller was unable to update the target scale: " + message(e), now);
                writeStatus(hpa, copy, scale.statusReplicas(), old == null ? 0 : orZero(old.getDesiredReplicas()),
                        statuses, conditions, false, now);
                return Result.requeueAfter(syncPeriod);
            }
            setCondition(conditions, "AbleToScale", true, "SucceededRescale",
                    "the HPA controller was able to update the target scale to " + desired, now);
            events.normal(hpa, "SuccessfulRescale", "New size: " + desired + "; reason: " + reason);
            Behavior behavior = behavior(hpa);
            if (behavior != null) {
                normalizer.recordScale(key, behavior, current, desired, now);
            }
            LOG.infof("successful rescale of %s/%s, old size: %d, new size: %d, reason: %s", ns,
                    hpa.getMetadata().getName(), current, desired, reason);
        } else {
            desired = current;
        }
        writeStatus(hpa, copy, scale.statusReplicas(), desired, statuses, conditions, rescale, now);
        return Result.requeueAfter(syncPeriod);
    }

    /** The replicas the metrics want (the largest of them), their statuses, or the first error. */
    private record Computed(int replicas, String metricName, List<MetricStatus> statuses, String validMessage,
            String error, String errorReason) {
    }

    private Computed computeReplicas(HorizontalPodAutoscaler hpa, AutoscalerClient.Scale scale, int current,
            Instant now) {
        List<MetricSpec> specs = hpa.getSpec().getMetrics() == null ? List.of() : hpa.getSpec().getMetrics();
        if (scale.selector() == null || scale.selector().isBlank()) {
            return new Computed(0, "", null, null, "the HPA target's scale is missing a selector", "InvalidSelector");
        }
        Predicate<Map<String, String>> selector;
        try {
            selector = SelectorString.parse(scale.selector());
        } catch (IllegalArgumentException e) {
            return new Computed(0, "", null, null, "couldn't convert selector into a corresponding internal "
                    + "selector object: " + e.getMessage(), "InvalidSelector");
        }
        String ns = hpa.getMetadata().getNamespace();
        List<Pod> selected = pods.getStore().list().stream()
                .filter(p -> ns.equals(p.getMetadata().getNamespace()) && selector.test(p.getMetadata().getLabels())).toList();
        Map<String, AutoscalerClient.PodUsage> usage;
        try {
            usage = api.podMetrics(ns);
        } catch (RuntimeException e) {
            usage = Map.of();
        }
        List<MetricStatus> statuses = new ArrayList<>();
        int replicas = 0;
        String name = "";
        String valid = null;
        String firstError = null;
        String firstReason = null;
        int invalid = 0;
        for (MetricSpec m : specs) {
            String resource;
            MetricTarget target;
            String container = null;
            if ("Resource".equals(m.getType()) && m.getResource() != null) {
                resource = m.getResource().getName();
                target = m.getResource().getTarget();
            } else if ("ContainerResource".equals(m.getType()) && m.getContainerResource() != null) {
                resource = m.getContainerResource().getName();
                target = m.getContainerResource().getTarget();
                container = m.getContainerResource().getContainer();
            } else {
                invalid++;
                statuses.add(new MetricStatusBuilder().withType("").build());
                if (firstError == null) {
                    firstError = "unsupported metric type " + m.getType() + " (no custom or external metrics API)";
                    firstReason = "InvalidMetricSourceType";
                }
                continue;
            }
            boolean cpu = "cpu".equals(resource);
            List<PodSample> samples = samples(selected, usage, resource, container);
            ReplicaCalculator.Result r;
            boolean utilization = target != null && target.getAverageUtilization() != null;
            if (utilization) {
                r = calculator.utilization(current, target.getAverageUtilization(), cpu, samples, now);
            } else if (target != null && target.getAverageValue() != null) {
                r = calculator.averageValue(current, KubeAutoscalerClient.milli(target.getAverageValue()), cpu,
                        samples, now);
            } else {
                r = ReplicaCalculator.Result.error("invalid target for resource " + resource);
            }
            if (r.error() != null) {
                invalid++;
                statuses.add(new MetricStatusBuilder().withType("").build());
                if (firstError == null) {
                    firstError = "failed to get " + resource + " utilization: unable to get metrics for resource "
                            + resource + ": " + r.error();
                    firstReason = "FailedGetResourceMetric";
                    events.warning(hpa, "FailedGetResourceMetric", firstError);
                }
                continue;
            }
            MetricStatusBuilder status = new MetricStatusBuilder().withType(m.getType());
            Quantity average = averageQuantity(r.averageMilli(), cpu);
            if (container == null) {
                status.withNewResource().withName(resource).withNewCurrent().withAverageValue(average)
                        .withAverageUtilization(r.utilization()).endCurrent().endResource();
            } else {
                status.withNewContainerResource().withName(resource).withContainer(container).withNewCurrent()
                        .withAverageValue(average).withAverageUtilization(r.utilization()).endCurrent()
                        .endContainerResource();
            }
            statuses.add(status.build());
            if (r.replicas() > replicas) {
                replicas = r.replicas();
                name = (container == null ? "" : "container " + container + " ") + resource + " resource"
                        + (utilization ? " utilization (percentage of request)" : "");
                valid = "the HPA was able to successfully calculate a replica count from " + name;
            }
        }
        if (specs.isEmpty()) {
            return new Computed(0, "", statuses, null, "no metrics configured", "InvalidMetricSourceType");
        }
        // all invalid, or some invalid while the valid ones would scale down: do nothing (upstream)
        if (invalid >= specs.size() || (invalid > 0 && replicas < current)) {
            return new Computed(0, "", statuses, null, "invalid metrics (" + invalid + " invalid out of "
                    + specs.size() + "), first error is: " + firstError, firstReason);
        }
        return new Computed(replicas, name, statuses, valid, null, null);
    }

    private static List<PodSample> samples(List<Pod> pods, Map<String, AutoscalerClient.PodUsage> usage,
            String resource, String container) {
        List<PodSample> out = new ArrayList<>();
        for (Pod p : pods) {
            Long request = 0L;
            for (Container c : p.getSpec().getContainers()) {
                if (container != null && !container.equals(c.getName())) {
                    continue;
                }
                Quantity q = c.getResources() == null || c.getResources().getRequests() == null ? null
                        : c.getResources().getRequests().get(resource);
                if (q == null) {
                    request = null;
                    break;
                }
                request += KubeAutoscalerClient.milli(q);
            }
            AutoscalerClient.PodUsage u = usage.get(p.getMetadata().getName());
            Long used = u == null ? null : u.milli().get(resource);
            PodCondition ready = PodState.readyCondition(p);
            var status = p.getStatus();
            out.add(new PodSample(p.getMetadata().getName(), status == null ? null : status.getPhase(),
                    p.getMetadata().getDeletionTimestamp() != null,
                    status == null || status.getStartTime() == null ? null : PodState.parse(status.getStartTime()),
                    ready == null ? null : "True".equals(ready.getStatus()),
                    ready == null || ready.getLastTransitionTime() == null ? null
                            : PodState.parse(ready.getLastTransitionTime()),
                    request, used, u == null ? null : u.timestamp(), u == null ? 0 : u.windowSeconds()));
        }
        return out;
    }

    /** CPU as milli cores ("250m"), memory as bytes (milli units rounded up), as upstream's status shows them. */
    static Quantity averageQuantity(long milli, boolean cpu) {
        return cpu ? new Quantity(milli + "m") : new Quantity(Long.toString((milli + 999) / 1000));
    }

    /** spec.behavior with upstream's defaults, or null without one. */
    Behavior behavior(HorizontalPodAutoscaler hpa) {
        var b = hpa.getSpec().getBehavior();
        if (b == null) {
            return null;
        }
        return new Behavior(rules(b.getScaleUp(), Behavior.defaultScaleUp()),
                rules(b.getScaleDown(), Behavior.defaultScaleDown((int) downscaleStabilization.toSeconds())));
    }

    private static Behavior.Rules rules(HPAScalingRules r, Behavior.Rules defaults) {
        if (r == null) {
            return defaults;
        }
        List<Behavior.Policy> policies = new ArrayList<>();
        if (r.getPolicies() != null) {
            for (HPAScalingPolicy p : r.getPolicies()) {
                policies.add(new Behavior.Policy(p.getType(), p.getValue(), p.getPeriodSeconds()));
            }
        }
        return new Behavior.Rules(r.getStabilizationWindowSeconds() == null ? defaults.stabilizationWindowSeconds()
                : r.getStabilizationWindowSeconds(), r.getSelectPolicy() == null ? defaults.selectPolicy()
                        : r.getSelectPolicy(), policies.isEmpty() ? defaults.policies() : policies);
    }

    private void writeStatus(HorizontalPodAutoscaler hpa, HorizontalPodAutoscaler copy, int currentReplicas,
            int desiredReplicas, List<MetricStatus> metrics, List<HorizontalPodAutoscalerCondition> conditions,
            boolean rescaled, Instant now) {
        HorizontalPodAutoscalerStatus old = hpa.getStatus();
        HorizontalPodAutoscalerStatus s = new HorizontalPodAutoscalerStatus();
        s.setCurrentReplicas(currentReplicas);
        s.setDesiredReplicas(desiredReplicas);
        s.setCurrentMetrics(metrics);
        s.setConditions(conditions);
        s.setObservedGeneration(hpa.getMetadata().getGeneration());
        s.setLastScaleTime(rescaled ? ts(now) : old == null ? null : old.getLastScaleTime());
        if (old != null && Objects.equals(old, s)) {
            return;
        }
        copy.setStatus(s);
        api.updateStatus(copy);
    }

    static void setCondition(List<HorizontalPodAutoscalerCondition> conditions, String type, boolean status,
            String reason, String message, Instant now) {
        String st = status ? "True" : "False";
        for (int i = 0; i < conditions.size(); i++) {
            HorizontalPodAutoscalerCondition c = conditions.get(i);
            if (type.equals(c.getType())) {
                String transition = st.equals(c.getStatus()) ? c.getLastTransitionTime() : ts(now);
                conditions.set(i, new HorizontalPodAutoscalerCondition(transition, message, reason, st, type));
                return;
            }
        }
        conditions.add(new HorizontalPodAutoscalerCondition(ts(now), message, reason, st, type));
    }

    /** metav1.Time: RFC 3339 in whole seconds. */
    static String ts(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
