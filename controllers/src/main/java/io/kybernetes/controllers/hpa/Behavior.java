package io.kybernetes.controllers.hpa;

import java.util.List;

/**
 * spec.behavior of an HPA with upstream's defaults filled in: scale-up without stabilization, at most 4 pods or
 * 100% per 15 s (whichever is more); scale-down stabilized over {@code --horizontal-pod-autoscaler-downscale-
 * stabilization} (300 s) unless set, at most 100% per 15 s.
 */
public record Behavior(Rules scaleUp, Rules scaleDown) {

    public record Policy(String type, int value, int periodSeconds) {
    }

    /** selectPolicy is Max, Min or Disabled. */
    public record Rules(int stabilizationWindowSeconds, String selectPolicy, List<Policy> policies) {
        int longestPeriod() {
            return policies.stream().mapToInt(Policy::periodSeconds).max().orElse(0);
        }
    }

    public static Rules defaultScaleUp() {
        return new Rules(0, "Max", List.of(new Policy("Pods", 4, 15), new Policy("Percent", 100, 15)));
    }

    public static Rules defaultScaleDown(int stabilizationWindowSeconds) {
        return new Rules(stabilizationWindowSeconds, "Max", List.of(new Policy("Percent", 100, 15)));
    }
}
