package dev.minibatch.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Floats printed as Python's repr prints them; each expected string is what Python gives for the literal. */
class ReprTest {
    @Test
    void positionalBetweenTenToTheMinusFourAndTenToTheSixteen() {
        assertEquals("0.01", Repr.pyFloat(0.01f));
        assertEquals("0.2", Repr.pyFloat(0.2f));
        assertEquals("0.0001", Repr.pyFloat(1e-4f));
        assertEquals("1.0", Repr.pyFloat(1f));
        assertEquals("100.0", Repr.pyFloat(100f));
        assertEquals("123456.5", Repr.pyFloat(123456.5f));
        assertEquals("-0.5", Repr.pyFloat(-0.5f));
        assertEquals("0.0", Repr.pyFloat(0f));
        assertEquals("-0.0", Repr.pyFloat(-0f));
    }

    @Test
    void scientificOutsideWithATwoDigitSignedExponent() {
        assertEquals("1e-05", Repr.pyFloat(1e-5f));
        assertEquals("2.5e-07", Repr.pyFloat(2.5e-7f));
        assertEquals("-3e-10", Repr.pyFloat(-3e-10f));
        assertEquals("1e+16", Repr.pyFloat(1e16f));
        assertEquals("1e-45", Repr.pyFloat(1e-45f));
    }

    @Test
    void nonFiniteValues() {
        assertEquals("nan", Repr.pyFloat(Float.NaN));
        assertEquals("inf", Repr.pyFloat(Float.POSITIVE_INFINITY));
        assertEquals("-inf", Repr.pyFloat(Float.NEGATIVE_INFINITY));
    }

    /** Settings such as BatchNorm's eps are doubles, printed with the double's own shortest digits. */
    @Test
    void doublesPrintAsPythonPrintsThem() {
        assertEquals("1e-05", Repr.pyFloat(1e-5));
        assertEquals("0.1", Repr.pyFloat(0.1));
        assertEquals("0.0001", Repr.pyFloat(1e-4));
        assertEquals("1.0", Repr.pyFloat(1.0));
        assertEquals("123.5", Repr.pyFloat(123.5));
        assertEquals("1e+16", Repr.pyFloat(1e16));
        assertEquals("2.5e-07", Repr.pyFloat(2.5e-7));
        assertEquals("-0.001", Repr.pyFloat(-0.001));
        assertEquals("0.0", Repr.pyFloat(0.0));
        assertEquals("-0.0", Repr.pyFloat(-0.0));
        assertEquals("inf", Repr.pyFloat(Double.POSITIVE_INFINITY));
    }
}
