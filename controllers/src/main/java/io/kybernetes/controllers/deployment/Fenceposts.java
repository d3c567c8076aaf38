package io.kybernetes.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * maxSurge / maxUnavailable resolution as upstream: percentages of the desired replicas, surge rounded up,
 * unavailable rounded down, and if both come out 0, one pod may be unavailable (else no progress is possible).
 */
public final class Fenceposts {

    public static final String DEFAULT = "25%";

    private Fenceposts() {
    }

    public record Values(int maxSurge, int maxUnavailable) {
    }

    public static int scaled(IntOrString v, int total, boolean roundUp) {
        if (v == null) {
            v = new IntOrString(DEFAULT);
        }
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal();
        if (s == null || !s.endsWith("%")) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid value for IntOrString: " + s);
            }
        }
        int pct = Integer.parseInt(s.substring(0, s.length() - 1));
        long scaled = (long) pct * total;
        return (int) (roundUp ? (scaled + 99) / 100 : scaled / 100);
    }

    public static Values resolve(IntOrString maxSurge, IntOrString maxUnavailable, int desired) {
        int surge = scaled(maxSurge, desired, true);
        int unavailable = scaled(maxUnavailable, desired, false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new Values(surge, unavailable);
    }

    static boolean rolling(Deployment d) {
        return d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getType() == null
                || "RollingUpdate".equals(d.getSpec().getStrategy().getType());
    }

    static Values of(Deployment d) {
        var ru = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
        return resolve(ru == null ? null : ru.getMaxSurge(), ru == null ? null : ru.getMaxUnavailable(),
                replicas(d));
    }

    public static int maxSurge(Deployment d) {
        return rolling(d) ? of(d).maxSurge() : 0;
    }

    public static int maxUnavailable(Deployment d) {
        if (!rolling(d) || replicas(d) == 0) {
            return 0;
        }
        return Math.min(of(d).maxUnavailable(), replicas(d));
    }

    static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }
}
