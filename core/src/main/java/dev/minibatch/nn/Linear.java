package dev.minibatch.nn;

import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code y = x·Wᵀ + b}, like {@code nn.Linear}: the weight is [out, in] and the input may have any number of
 * leading dimensions ([*, in] gives [*, out]).
 */
public class Linear extends Module {
    public final int inFeatures;
    public final int outFeatures;
    public final Tensor weight;
    /** Null when the layer was made without a bias. */
    public final Tensor bias;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /**
     * PyTorch's default initialisation: weight and bias uniform in ±1/√in (what {@code kaiming_uniform_} with
     * {@code a=√5} works out to), drawn from the default generator, the weight first, so that
     * {@code Minibatch.manualSeed} makes a model reproducible.
     */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: sizes must be non-negative, got in_features=" + inFeatures
                    + ", out_features=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        float bound = inFeatures > 0 ? (float) (1 / Math.sqrt(inFeatures)) : 0f;
        this.weight = Parameter.of(uniform(bound, outFeatures, inFeatures));
        this.bias = bias ? Parameter.of(uniform(bound, outFeatures)) : null;
    }

    /** Uniform in [-bound, bound), computed as PyTorch's {@code uniform_} does: {@code from + (to - from)·u}. */
    private static Tensor uniform(float bound, int... shape) {
        Tensor t = Tensor.rand(Minibatch.defaultGenerator(), shape);
        float[] v = t.storage();
        for (int i = 0; i < v.length; i++) {
            v[i] = -bound + 2 * bound * v[i];
        }
        return t;
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        if (s.length == 0 || s[s.length - 1] != inFeatures) {
            throw new IllegalArgumentException(this + ": input of shape " + Arrays.toString(s)
                    + " does not end in in_features=" + inFeatures);
        }
        if (s.length == 2) {
            return Tensor.linear(x, weight, bias);
        }
        int[] outShape = s.clone();
        outShape[s.length - 1] = outFeatures;
        return Tensor.linear(x.reshape(-1, inFeatures), weight, bias).reshape(outShape);
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures
                + ", bias=" + (bias != null ? "True" : "False");
    }
}
