package dev.minibatch.nn;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

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
        if (Float.isNaN(v)) {
            return "nan";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0f) {
            return Float.floatToRawIntBits(v) == 0 ? "0.0" : "-0.0";
        }
        BigDecimal d = shortest(v);
        int exponent = d.precision() - d.scale() - 1;
        String sign = v < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String digits = d.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = d.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /**
     * The fewest significant digits that read back as {@code v}. Not {@link Float#toString}: before Java 19 it
     * may give more digits than needed ({@code 1.00000003E16} for {@code 1e16f}).
     */
    private static BigDecimal shortest(float v) {
        BigDecimal exact = new BigDecimal(v);
        for (int digits = 1; ; digits++) {
            BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (d.floatValue() == v) {
                return d.stripTrailingZeros();
            }
        }
    }
}
