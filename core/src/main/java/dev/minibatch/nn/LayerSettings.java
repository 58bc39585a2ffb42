package dev.minibatch.nn;

import java.math.BigDecimal;

/**
 * The checks and the printing shared by the layers' settings: sizes given as one int or an (H, W) pair,
 * and Python's way of writing tuples, floats and booleans, so that printouts match PyTorch's.
 */
final class LayerSettings {
    private LayerSettings() {
    }

    /** One value for both dimensions, or a pair; each at least {@code min}. */
    static int[] pair(String layer, String name, int[] values, int min) {
        if (values == null || values.length < 1 || values.length > 2) {
            throw new IllegalArgumentException(layer + ": " + name + " must be one int or a pair of ints, got "
                    + (values == null ? "null" : java.util.Arrays.toString(values)));
        }
        int[] p = values.length == 1 ? new int[] {values[0], values[0]} : values.clone();
        atLeast(layer, name, p[0] == p[1] ? String.valueOf(p[0]) : tuple(p), Math.min(p[0], p[1]), min);
        return p;
    }

    static void atLeast(String layer, String name, String shown, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(layer + ": " + name + " must be at least " + min + ", got " + shown);
        }
    }

    /** Python's tuple: {@code (3, 3)}. */
    static String tuple(int[] pair) {
        return "(" + pair[0] + ", " + pair[1] + ")";
    }

    static String bool(boolean b) {
        return b ? "True" : "False";
    }

    /**
     * Python's {@code repr} of a float: the shortest digits that read back as the same double, in exponent
     * form below 1e-4 or from 1e16 on ({@code 1e-05}, {@code 0.1}, {@code 1.0}, {@code 1e+16}).
     */
    static String pyFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int point = digits.length() - d.scale();
        String sign = v < 0 ? "-" : "";
        if (point <= -4 || point > 16) {
            int exp = point - 1;
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        if (point <= 0) {
            return sign + "0." + "0".repeat(-point) + digits;
        }
        if (point >= digits.length()) {
            return sign + digits + "0".repeat(point - digits.length()) + ".0";
        }
        return sign + digits.substring(0, point) + "." + digits.substring(point);
    }

    /** The layer's name and settings before an op's refusal, so that the message says which layer refused. */
    static IllegalArgumentException refusedBy(Module layer, IllegalArgumentException e) {
        return new IllegalArgumentException(layer + ": " + e.getMessage(), e);
    }
}
