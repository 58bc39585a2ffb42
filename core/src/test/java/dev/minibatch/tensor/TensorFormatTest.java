package dev.minibatch.tensor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The strings PyTorch 1.13/2.x prints for the same tensors, with its default print options. */
class TensorFormatTest {

    @AfterEach
    void restorePrecision() {
        Minibatch.setPrintPrecision(4);
    }

    @Test
    void fixedPointWithFourDecimals() {
        assertEquals("tensor([[-1.9900, -2.2700]])", Tensor.of(new float[] {-1.99f, -2.27f}, 1, 2).toString());
        assertEquals("tensor([  1.5000, 100.2500])", Tensor.of(new float[] {1.5f, 100.25f}).toString());
        assertEquals("tensor(0.5000)", Tensor.scalar(0.5f).toString());
    }

    @Test
    void integralValuesPrintWithATrailingPoint() {
        assertEquals("tensor([1., 2., 3.])", Tensor.of(new float[] {1, 2, 3}).toString());
        assertEquals("tensor(3.)", Tensor.scalar(3).toString());
        assertEquals("tensor([1., nan, inf])", Tensor.of(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY}).toString());
        assertEquals("tensor([5, 0, 4])", Tensor.ofInts(new int[] {5, 0, 4}).toString());
    }

    @Test
    void scientificWhenValuesSpanMoreThanThreeDecades() {
        assertEquals("tensor([1.0000e-03, 1.0000e+04])", Tensor.of(new float[] {0.001f, 10000f}).toString());
    }

    @Test
    void nestedRowsAlignUnderTheFirstBracket() {
        assertEquals("tensor([[0., 0.],\n        [0., 0.]])", Tensor.zeros(2, 2).toString());
        assertEquals("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
                Tensor.arange(8).reshape(2, 2, 2).toString());
    }

    @Test
    void longRowsWrapAtEightyColumns() {
        assertEquals("tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
                + "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
                + "        28., 29.])", Tensor.arange(30).toString());
    }

    @Test
    void largeTensorsAreSummarised() {
        assertEquals("tensor([   0.,    1.,    2.,  ..., 1997., 1998., 1999.])", Tensor.arange(2000).toString());
        assertEquals("tensor([[   0.,    1.],\n        [   2.,    3.],\n        [   4.,    5.],\n        ...,\n"
                + "        [1994., 1995.],\n        [1996., 1997.],\n        [1998., 1999.]])",
                Tensor.arange(2000).reshape(1000, 2).toString());
    }

    @Test
    void precisionIsSettableAndGradIsShown() {
        Minibatch.setPrintPrecision(2);
        assertEquals("tensor([[-1.99, -2.27]])", Tensor.of(new float[] {-1.99f, -2.27f}, 1, 2).toString());
        assertEquals("tensor([1., 2.], requires_grad=True)", Tensor.of(new float[] {1, 2}).requiresGrad(true).toString());
    }
}
