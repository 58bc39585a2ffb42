package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

/**
 * Doubles in a state dict that holds only float32 and int32 tensors: each value as its IEEE 754 bits, the high
 * and the low 32-bit word, in an int32 tensor of shape [n, 2]. Exact, unlike a float32 pair (48 bits of
 * mantissa at most), so a schedule resumed from a checkpoint continues to the bit.
 */
final class Float64 {
    private Float64() {
    }

    static Tensor encode(double... values) {
        int[] words = new int[2 * values.length];
        for (int i = 0; i < values.length; i++) {
            long bits = Double.doubleToRawLongBits(values[i]);
            words[2 * i] = (int) (bits >>> 32);
            words[2 * i + 1] = (int) bits;
        }
        return Tensor.wrapInts(words, values.length, 2);
    }

    static double[] decode(Tensor t) {
        int[] words = t.toIntArray();
        double[] out = new double[words.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = Double.longBitsToDouble(((long) words[2 * i] << 32) | (words[2 * i + 1] & 0xFFFFFFFFL));
        }
        return out;
    }
}
