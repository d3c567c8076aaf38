package io.kybernetes.scheduler.framework;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * An amount of the resources the scheduler accounts: milli-CPU, bytes of memory and ephemeral storage, pods, and
 * scalar resources (extended resources such as example.com/gpu, hugepages-*) by name, in whole units.
 */
public record Resources(long milliCpu, long memory, long ephemeralStorage, long pods, Map<String, Long> scalars) {

    public static final Resources ZERO = new Resources(0, 0, 0, 0);

    public Resources(long milliCpu, long memory, long ephemeralStorage, long pods) {
        this(milliCpu, memory, ephemeralStorage, pods, Map.of());
    }

    public static Resources of(Map<String, Quantity> list) {
        if (list == null || list.isEmpty()) {
            return ZERO;
        }
        Map<String, Long> scalars = new java.util.TreeMap<>();
        list.forEach((name, q) -> {
            if (!name.equals("cpu") && !name.equals("memory") && !name.equals("ephemeral-storage")
                    && !name.equals("pods")) {
                scalars.put(name, whole(q));
            }
        });
        return new Resources(milli(list.get("cpu")), whole(list.get("memory")),
                whole(list.get("ephemeral-storage")), whole(list.get("pods")),
                scalars.isEmpty() ? Map.of() : Map.copyOf(scalars));
    }

    public Resources plus(Resources o) {
        return new Resources(milliCpu + o.milliCpu, memory + o.memory, ephemeralStorage + o.ephemeralStorage,
                pods + o.pods, merge(scalars, o.scalars, Long::sum));
    }

    public Resources max(Resources o) {
        return new Resources(Math.max(milliCpu, o.milliCpu), Math.max(memory, o.memory),
                Math.max(ephemeralStorage, o.ephemeralStorage), Math.max(pods, o.pods),
                merge(scalars, o.scalars, Math::max));
    }

    /** The same amounts with another pods count (requests count one pod, sums of containers none). */
    public Resources withPods(long n) {
        return new Resources(milliCpu, memory, ephemeralStorage, n, scalars);
    }

    public long scalar(String name) {
        return scalars.getOrDefault(name, 0L);
    }

    private static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b,
            java.util.function.BinaryOperator<Long> op) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Map<String, Long> out = new java.util.TreeMap<>(a);
        b.forEach((k, v) -> out.merge(k, v, op));
        return Map.copyOf(out);
    }

    public boolean isZero() {
        return milliCpu == 0 && memory == 0 && ephemeralStorage == 0
                && scalars.values().stream().allMatch(v -> v == 0);
    }

    static long milli(Quantity q) {
        if (q == null) {
            return 0;
        }
        return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING)
                .longValueExact();
    }

    static long whole(Quantity q) {
        if (q == null) {
            return 0;
        }
        return Quantity.getAmountInBytes(q).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
