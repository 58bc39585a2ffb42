package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The error function, against tabulated values and against its Maclaurin series summed to double precision. */
class ErfTest {
    /** Relative accuracy promised by Numerical Recipes' fit, which Erf is built on. */
    private static final double RELATIVE = 1.2e-7;

    @Test
    void matchesTabulatedValues() {
        double[][] table = {
            {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149},
            {1.5, 0.9661051464753108}, {2.0, 0.9953222650189527}, {3.0, 0.9999779095030014},
            {1e-4, 1.1283791670578999e-4},
        };
        for (double[] row : table) {
            assertRelative(row[1], Erf.erf(row[0]), "erf(" + row[0] + ")");
            assertRelative(-row[1], Erf.erf(-row[0]), "erf is odd: erf(" + -row[0] + ")");
        }
        assertEquals(0.0, Erf.erf(0.0));
    }

    @Test
    void erfcKeepsItsDigitsInTheTail() {
        assertRelative(2.209049699858544e-05, Erf.erfc(3.0), "erfc(3)");
        assertRelative(1.5374597944280349e-12, Erf.erfc(5.0), "erfc(5)");
        assertRelative(2 - 1.5374597944280349e-12, Erf.erfc(-5.0), "erfc(-5)");
        assertRelative(1.0, Erf.erfc(0.0), "erfc(0)");
    }

    @Test
    void agreesWithTheSeriesEverywhereOnAFineGrid() {
        for (int i = -400; i <= 400; i++) {
            double x = i / 100.0;
            double expected = series(x);
            double err = Math.abs(Erf.erf(x) - expected);
            assertTrue(err <= RELATIVE * Math.abs(expected) + 1e-15,
                    "erf(" + x + ") = " + Erf.erf(x) + ", expected " + expected);
            if (Math.abs(x) <= 2) {
                // Beyond 2, 1 - series keeps too few digits of erfc to judge it: the tail has its own test.
                assertTrue(Math.abs(Erf.erfc(x) - (1 - expected)) <= RELATIVE * (1 - expected), "erfc(" + x + ")");
            }
        }
    }

    @Test
    void infinitiesAndNaN() {
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
    }

    @Test
    void theTensorOpRoundsToFloat() {
        Tensor y = Tensor.of(new float[] {-1f, 0f, 0.5f, 2f}).erf();
        float[] expected = {-0.8427008f, 0f, 0.5204999f, 0.9953223f};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], y.get(i), Math.ulp(expected[i]), "element " + i);
        }
    }

    /** {@code 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1))}, summed until the terms vanish; exact to ~1e-11 for |x| <= 4. */
    private static double series(double x) {
        double power = x;
        double sum = x;
        for (int n = 1; n < 120; n++) {
            power *= -x * x / n;
            sum += power / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, RELATIVE * Math.abs(expected), what);
    }
}
