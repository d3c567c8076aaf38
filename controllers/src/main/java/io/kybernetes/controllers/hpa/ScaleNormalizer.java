package io.kybernetes.controllers.hpa;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the metrics' recommendation into the replica count to set, as upstream's normalizeDesiredReplicas (no
 * behavior: scale-down stabilization over the default window, scale-up at most max(2x, 4)) and
 * normalizeDesiredReplicasWithBehaviors (stabilization windows both ways, then the scaling policies over the
 * scale events of their periods), with min/max replicas. Keeps the recommendations and scale events per HPA key
 * in memory, as upstream does (they restart empty with the controller).
 */
public final class ScaleNormalizer {

    /** The replicas to set and the reasons for the AbleToScale and ScalingLimited conditions. */
    public record Outcome(int replicas, Condition ableToScale, Condition scalingLimited) {
    }

    public record Condition(boolean status, String reason, String message) {
    }

    private record Timed(int replicas, Instant time) {
    }

    private final Duration downscaleStabilization;
    private final Map<String, List<Timed>> recommendations = new ConcurrentHashMap<>();
    private final Map<String, List<Timed>> scaleUpEvents = new ConcurrentHashMap<>();
    private final Map<String, List<Timed>> scaleDownEvents = new ConcurrentHashMap<>();

    public ScaleNormalizer(Duration downscaleStabilization) {
        this.downscaleStabilization = downscaleStabilization;
    }

    public void forget(String key) {
        recommendations.remove(key);
        scaleUpEvents.remove(key);
        scaleDownEvents.remove(key);
    }

    /** Without spec.behavior. */
    public Outcome normalize(String key, int current, int desired, int min, int max, Instant now) {
        Instant cutoff = now.minus(downscaleStabilization);
        List<Timed> recs = recommendations.computeIfAbsent(key, k -> new ArrayList<>());
        int stabilized = desired;
        boolean replaced = false;
        synchronized (recs) {
            for (int i = 0; i < recs.size(); i++) {
                Timed r = recs.get(i);
                if (r.time().isAfter(cutoff)) {
                    stabilized = Math.max(stabilized, r.replicas());
                } else if (!replaced) {
                    recs.set(i, new Timed(desired, now));
                    replaced = true;
                }
            }
            if (!replaced) {
                recs.add(new Timed(desired, now));
            }
        }
        Condition able = stabilized != desired
                ? new Condition(true, "ScaleDownStabilized",
                        "recent recommendations were higher than current one, applying the highest recent recommendation")
                : new Condition(true, "ReadyForNewScale", "recommended size matches current size");
        int scaleUpLimit = Math.max(2 * current, 4);
        int replicas;
        Condition limited;
        if (stabilized < min) {
            replicas = min;
            limited = new Condition(true, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
        } else if (stabilized > Math.min(max, scaleUpLimit)) {
            replicas = Math.min(max, scaleUpLimit);
            limited = max > scaleUpLimit
                    ? new Condition(true, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
                    : new Condition(true, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
        } else {
            replicas = stabilized;
            limited = new Condition(false, "DesiredWithinRange", "the desired count is within the acceptable range");
        }
        return new Outcome(replicas, able, limited);
    }

    /** With spec.behavior (defaults filled in). */
    public Outcome normalize(String key, int current, int desired, int min, int max, Behavior b, Instant now) {
        Instant upCutoff = now.minusSeconds(b.scaleUp().stabilizationWindowSeconds());
        Instant downCutoff = now.minusSeconds(b.scaleDown().stabilizationWindowSeconds());
        int up = desired;
        int down = desired;
        List<Timed> recs = recommendations.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (recs) {
            int old = -1;
            for (int i = 0; i < recs.size(); i++) {
                Timed r = recs.get(i);
                if (r.time().isAfter(upCutoff)) {
                    up = Math.min(up, r.replicas());
                }
                if (r.time().isAfter(downCutoff)) {
                    down = Math.max(down, r.replicas());
                }
                if (r.time().isBefore(upCutoff) && r.time().isBefore(downCutoff)) {
                    old = i;
                }
            }
            if (old >= 0) {
                recs.set(old, new Timed(desired, now));
            } else {
                recs.add(new Timed(desired, now));
            }
        }
        int stabilized = Math.min(Math.max(current, up), down);
        Condition able;
        if (stabilized == desired) {
            able = new Condition(true, "ReadyForNewScale", "recommended size matches current size");
        } else if (desired >= current) {
            able = new Condition(true, "ScaleUpStabilized",
                    "recent recommendations were lower than current one, applying the lowest recent recommendation");
        } else {
            able = new Condition(true, "ScaleDownStabilized",
                    "recent recommendations were higher than current one, applying the highest recent recommendation");
        }
        int replicas = stabilized;
        Condition limited = new Condition(false, "DesiredWithinRange", "the desired count is within the acceptable range");
        if (stabilized > current) {
            int limit = Math.max(current, scaleUpLimit(current, events(scaleUpEvents, key), b.scaleUp(), now));
            int allowed = max;
            Condition why = new Condition(true, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
            if (allowed > limit) {
                allowed = limit;
                why = new Condition(true, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate");
            }
            if (stabilized > allowed) {
                replicas = allowed;
                limited = why;
            }
        } else if (stabilized < current) {
            int limit = Math.min(current, scaleDownLimit(current, events(scaleDownEvents, key), b.scaleDown(), now));
            int allowed = min;
            Condition why = new Condition(true, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
            if (allowed < limit) {
                allowed = limit;
                why = new Condition(true, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate");
            }
            if (stabilized < allowed) {
                replicas = allowed;
                limited = why;
            }
        }
        return new Outcome(replicas, able, limited);
    }

    /** Records a rescale for the policies' periods (only with a behavior, as upstream). */
    public void recordScale(String key, Behavior b, int from, int to, Instant now) {
        if (to > from) {
            record(scaleUpEvents, key, to - from, b.scaleUp().longestPeriod(), now);
        } else if (to < from) {
            record(scaleDownEvents, key, from - to, b.scaleDown().longestPeriod(), now);
        }
    }

    private static void record(Map<String, List<Timed>> events, String key, int change, int longestPeriod, Instant now) {
        List<Timed> list = events.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (list) {
            list.removeIf(e -> !e.time().isAfter(now.minusSeconds(longestPeriod)));
            list.add(new Timed(change, now));
        }
    }

    private static List<Timed> events(Map<String, List<Timed>> events, String key) {
        List<Timed> list = events.getOrDefault(key, List.of());
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    static int changeInPeriod(List<Timed> events, int periodSeconds, Instant now) {
        Instant cutoff = now.minusSeconds(periodSeconds);
        return events.stream().filter(e -> e.time().isAfter(cutoff)).mapToInt(Timed::replicas).sum();
    }

    static int scaleUpLimit(int current, List<Timed> events, Behavior.Rules rules, Instant now) {
        if ("Disabled".equals(rules.selectPolicy())) {
            return current;
        }
        boolean min = "Min".equals(rules.selectPolicy());
        int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (Behavior.Policy p : rules.policies()) {
            int start = current - changeInPeriod(events, p.periodSeconds(), now);
            int proposed = p.type().equals("Pods") ? start + p.value()
                    : (int) Math.ceil(start * (1 + p.value() / 100.0));
            result = min ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return result;
    }

    static int scaleDownLimit(int current, List<Timed> events, Behavior.Rules rules, Instant now) {
        if ("Disabled".equals(rules.selectPolicy())) {
            return current;
        }
        boolean min = "Min".equals(rules.selectPolicy());
        int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (Behavior.Policy p : rules.policies()) {
            int start = current + changeInPeriod(events, p.periodSeconds(), now);
            int proposed = p.type().equals("Pods") ? start - p.value() : (int) (start * (1 - p.value() / 100.0));
            result = min ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return result;
    }
}
