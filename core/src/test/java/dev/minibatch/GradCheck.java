package dev.minibatch;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Tensor;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks an op's analytic gradient against central finite differences. The scalar checked is
 * {@code L = sum(w * f(inputs))} with fixed random weights {@code w}, accumulated in double, so that every
 * output element's gradient path is exercised with a different weight.
 */
public final class GradCheck {
    private static final double EPS = 1e-2;

    private GradCheck() {
    }

    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(name, f, 2e-2, inputs);
    }

    public static void check(String name, Function<Tensor[], Tensor> f, double tolerance, Tensor... inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            leaves[i] = inputs[i].isFloat() ? Tensor.of(inputs[i].toFloatArray(), inputs[i].shape()).requiresGrad(true)
                    : inputs[i];
        }
        Tensor out = f.apply(leaves);
        float[] w = weights(out.numel());
        out.mul(Tensor.of(w, out.shape())).sum().backward();
        for (int t = 0; t < leaves.length; t++) {
            if (!leaves[t].isFloat()) {
                continue;
            }
            float[] analytic = leaves[t].grad() == null ? new float[leaves[t].numel()] : leaves[t].grad().toFloatArray();
            float[] x = leaves[t].toFloatArray();
            for (int i = 0; i < x.length; i++) {
                double numeric = (value(f, leaves, t, x, i, EPS, w) - value(f, leaves, t, x, i, -EPS, w)) / (2 * EPS);
                double err = Math.abs(numeric - analytic[i]);
                if (err > tolerance * Math.max(1, Math.abs(numeric))) {
                    fail(name + ": d/d input" + t + "[" + i + "] analytic " + analytic[i] + " vs numeric " + numeric);
                }
            }
        }
    }

    private static double value(Function<Tensor[], Tensor> f, Tensor[] leaves, int t, float[] x, int i,
                                double h, float[] w) {
        Tensor[] in = leaves.clone();
        float[] moved = x.clone();
        moved[i] = (float) (x[i] + h);
        in[t] = Tensor.of(moved, leaves[t].shape());
        float[] y = f.apply(in).toFloatArray();
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += (double) w[k] * y[k];
        }
        return s;
    }

    private static float[] weights(int n) {
        Generator g = new Generator(1234);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5f + g.nextFloat();
        }
        return w;
    }
}
