package io.kybernetes.apiserver.admission;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resource quantity ({@code 500m}, {@code 128Mi}, {@code 1.5}, {@code 1e3}) as an exact decimal, with the
 * format (binary or decimal suffixes) it was written in so that sums print as upstream's canonical form does.
 * Hand-written: the apiserver has no typed Kubernetes model on its main classpath, and the parsing is small.
 */
public record Quantity(BigDecimal value, boolean binary) implements Comparable<Quantity> {

    public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, false);
    private static final Pattern FORM = Pattern.compile("([+-]?(?:\\d+\\.?\\d*|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\\d+)?");
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final String[] DECIMAL = {"", "k", "M", "G", "T", "P", "E"};

    /** Parses a quantity; IllegalArgumentException when it is not one. */
    public static Quantity parse(String s) {
        Matcher m = FORM.matcher(s == null ? "" : s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("quantities must match the regular expression "
                    + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        boolean binary = suffix.endsWith("i");
        BigDecimal scale = switch (suffix) {
            case "" -> BigDecimal.ONE;
            case "n" -> new BigDecimal("1e-9");
            case "u" -> new BigDecimal("1e-6");
            case "m" -> new BigDecimal("1e-3");
            case "k" -> new BigDecimal("1e3");
            case "M" -> new BigDecimal("1e6");
            case "G" -> new BigDecimal("1e9");
            case "T" -> new BigDecimal("1e12");
            case "P" -> new BigDecimal("1e15");
            case "E" -> new BigDecimal("1e18");
            default -> binary ? new BigDecimal(BigInteger.valueOf(1024).pow(java.util.List.of(BINARY).indexOf(suffix)))
                    : BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        };
        return new Quantity(n.multiply(scale), binary);
    }

    public Quantity add(Quantity o) {
        return new Quantity(value.add(o.value), signZero() ? o.binary : binary);
    }

    public Quantity subtract(Quantity o) {
        return new Quantity(value.subtract(o.value), signZero() ? o.binary : binary);
    }

    private boolean signZero() {
        return value.signum() == 0;
    }

    public boolean isZero() {
        return value.signum() == 0;
    }

    @Override
    public int compareTo(Quantity o) {
        return value.compareTo(o.value);
    }

    /** The canonical text: the largest suffix of the quantity's format that keeps an integer, else milli/micro/nano. */
    @Override
    public String toString() {
        BigDecimal v = value.stripTrailingZeros();
        if (v.signum() == 0) {
            return "0";
        }
        if (binary && v.scale() <= 0) {
            BigInteger i = v.toBigIntegerExact();
            int k = 0;
            BigInteger k1024 = BigInteger.valueOf(1024);
            while (k < BINARY.length - 1 && i.mod(k1024).signum() == 0 && i.abs().compareTo(k1024) >= 0) {
                i = i.divide(k1024);
                k++;
            }
            if (k > 0) {
                return i + BINARY[k];
            }
        }
        if (v.scale() <= 0) {
            BigInteger i = v.toBigIntegerExact();
            int k = 0;
            BigInteger k1000 = BigInteger.valueOf(1000);
            while (k < DECIMAL.length - 1 && i.mod(k1000).signum() == 0 && i.abs().compareTo(k1000) >= 0) {
                i = i.divide(k1000);
                k++;
            }
            return i + DECIMAL[k];
        }
        for (String[] unit : new String[][] {{"m", "3"}, {"u", "6"}, {"n", "9"}}) {
            BigDecimal scaled = v.scaleByPowerOfTen(Integer.parseInt(unit[1])).stripTrailingZeros();
            if (scaled.scale() <= 0) {
                return scaled.toBigIntegerExact() + unit[0];
            }
        }
        // finer than nano: rounded up to it, as upstream does
        return v.scaleByPowerOfTen(9).setScale(0, RoundingMode.CEILING).toBigInteger() + "n";
    }

    /** This quantity in thousandths, rounded up (upstream's MilliValue). */
    public long milli() {
        return value.scaleByPowerOfTen(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
