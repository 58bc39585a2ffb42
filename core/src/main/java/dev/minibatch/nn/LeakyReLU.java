package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** {@code x} where x > 0 and {@code negativeSlope·x} elsewhere, like {@code nn.LeakyReLU}. */
public class LeakyReLU extends Module {
    public final float negativeSlope;

    /** PyTorch's default slope, 0.01. */
    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + Repr.pyFloat(negativeSlope);
    }
}
