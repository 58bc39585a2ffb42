package dev.minibatch.nn;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.function.Predicate;

/** Values written as Python's {@code repr} writes them, so that printouts match PyTorch's character for character. */
final class Repr {
    private Repr() {
    }

    /**
     * A float as Python prints it: the shortest digits that give the value back, in positional notation when
     * its decimal exponent is in [-4, 16) ({@code 0.01}, {@code 0.0001}, {@code 1.0}), otherwise in scientific
     * notation with a signed exponent of two digits or more ({@code 1e-05}, {@code 2.5e+16}).
     */
    static String pyFloat(float v) {
        return format(v, Float.isFinite(v) ? shortest(new BigDecimal(v), d -> d.floatValue() == v) : null);
    }

    /** A double (a setting such as BatchNorm's eps) as Python prints it; see {@link #pyFloat(float)}. */
    static String pyFloat(double v) {
        return format(v, Double.isFinite(v) ? shortest(new BigDecimal(v), d -> d.doubleValue() == v) : null);
    }

    /** Python's tuple of two ints: {@code (3, 3)}. */
    static String tuple(int[] pair) {
        return "(" + pair[0] + ", " + pair[1] + ")";
    }

    static String bool(boolean b) {
        return b ? "True" : "False";
    }

    private static String format(double v, BigDecimal shortest) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        int exponent = shortest.precision() - shortest.scale() - 1;
        String sign = v < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String digits = shortest.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = shortest.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /**
     * The fewest significant digits that read back as the value. Not {@link Float#toString} or
     * {@link Double#toString}: before Java 19 they may give more digits than needed ({@code 1.00000003E16}).
     */
    private static BigDecimal shortest(BigDecimal exact, Predicate<BigDecimal> readsBack) {
        if (exact.signum() == 0) {
            return exact;
        }
        for (int digits = 1; ; digits++) {
            BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (readsBack.test(d)) {
                return d.stripTrailingZeros();
            }
        }
    }
}
