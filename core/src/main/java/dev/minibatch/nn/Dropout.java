package dev.minibatch.nn;

import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

/**
 * Zeroes each element with probability p in training and scales the rest by {@code 1/(1-p)}, like
 * {@code nn.Dropout}; the identity in evaluation mode. The mask is drawn from the default generator, so
 * {@code Minibatch.manualSeed} makes it reproducible.
 */
public class Dropout extends Module {
    public final double p;

    public Dropout() {
        this(0.5);
    }

    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: dropout probability has to be between 0 and 1, but got "
                    + Repr.pyFloat(p));
        }
        this.p = p;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Tensor.dropout(x, p, isTraining(), Minibatch.defaultGenerator());
    }

    @Override
    protected String extraRepr() {
        return "p=" + Repr.pyFloat(p) + ", inplace=False";
    }
}
