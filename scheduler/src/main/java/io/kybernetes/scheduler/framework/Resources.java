package io.kybernetes.scheduler.framework;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;

/** An amount of the resources the scheduler accounts: milli-CPU, bytes of memory and ephemeral storage, pods. */
public record Resources(long milliCpu, long memory, long ephemeralStorage, long pods) {

    public static final Resources ZERO = new Resources(0, 0, 0, 0);

    public static Resources of(Map<String, Quantity> list) {
        if (list == null || list.isEmpty()) {
            return ZERO;
        }
        return new Resources(milli(list.get("cpu")), whole(list.get("memory")),
                whole(list.get("ephemeral-storage")), whole(list.get("pods")));
    }

    public Resources plus(Resources o) {
        return new Resources(milliCpu + o.milliCpu, memory + o.memory, ephemeralStorage + o.ephemeralStorage,
                pods + o.pods);
    }

    public Resources max(Resources o) {
        return new Resources(Math.max(milliCpu, o.milliCpu), Math.max(memory, o.memory),
                Math.max(ephemeralStorage, o.ephemeralStorage), Math.max(pods, o.pods));
    }

    public boolean isZero() {
        return milliCpu == 0 && memory == 0 && ephemeralStorage == 0;
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
