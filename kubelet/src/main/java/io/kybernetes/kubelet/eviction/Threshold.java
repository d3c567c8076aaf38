package io.kybernetes.kubelet.eviction;

import java.time.Duration;

/**
 * One eviction threshold: {@code signal < value}, the value either an absolute amount ({@code quantity}, with the
 * text it was written as) or a fraction of the signal's capacity; a soft threshold has a grace period, a hard one
 * none. {@code minReclaim} (absent: 0) is how far beyond the threshold the signal must recover before it is resolved.
 */
public record Threshold(Signal signal, Amount value, Duration gracePeriod, Amount minReclaim) {

    /** An absolute amount ({@code text} as written, e.g. "100Mi") or a percentage of capacity ({@code percent}). */
    public record Amount(long quantity, String text, double percent) {

        public static final Amount ZERO = new Amount(0, "0", -1);

        static Amount ofQuantity(long quantity, String text) {
            return new Amount(quantity, text, -1);
        }

        static Amount ofPercent(double percent) {
            return new Amount(0, null, percent);
        }

        public boolean isPercent() {
            return percent >= 0;
        }

        /** The amount against a capacity (percentages are taken of it). */
        public long of(long capacity) {
            return isPercent() ? (long) (capacity * percent / 100.0) : quantity;
        }

        /** As upstream prints a threshold's quantity: the text it was given, or the computed bytes. */
        public String render(long capacity) {
            return isPercent() ? Quantities.render(of(capacity)) : text;
        }
    }

    public boolean hard() {
        return gracePeriod.isZero();
    }

    /** The signal's threshold amount for this capacity. */
    public long amount(long capacity) {
        return value.of(capacity);
    }

    /** Met when the available amount is below the threshold (plus min-reclaim while it is not yet resolved). */
    public boolean met(Observation o, boolean withMinReclaim) {
        long limit = amount(o.capacity()) + (withMinReclaim && minReclaim != null ? minReclaim.of(o.capacity()) : 0);
        return o.available() < limit;
    }

    @Override
    public String toString() {
        return signal + "<" + (value.isPercent() ? value.percent() + "%" : value.text())
                + (hard() ? "" : " (grace " + gracePeriod + ")");
    }
}
