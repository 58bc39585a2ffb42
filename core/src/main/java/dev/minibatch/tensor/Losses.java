package dev.minibatch.tensor;

/** Losses over class scores [n, classes] against int32 class indices [n]; the fused one is {@link Fused#crossEntropy}. */
public final class Losses {
    private Losses() {
    }

    /**
     * The mean over the batch of {@code -logp[i, target[i]]}: the lesson's {@code -input[range(n), target].mean()}.
     * {@code logp} is [n, classes], {@code target} int32 [n].
     */
    public static Tensor nllLoss(Tensor logp, Tensor target) {
        int[] t = checkTarget("nllLoss", logp, target);
        int n = t.length;
        int c = logp.size(1);
        float[] v = logp.requireFloat("nllLoss");
        double s = 0;
        for (int i = 0; i < n; i++) {
            s -= v[i * c + t[i]];
        }
        return Autograd.record(Tensor.scalar((float) (s / n)), g -> {
            float[] gx = new float[v.length];
            float each = -g[0] / n;
            for (int i = 0; i < n; i++) {
                gx[i * c + t[i]] = each;
            }
            logp.accumulateGrad(gx);
        }, logp);
    }

    /** Checks that {@code input} is [n, classes] and {@code target} holds n ints in [0, classes). */
    static int[] checkTarget(String op, Tensor input, Tensor target) {
        if (input.dim() != 2) {
            throw new IllegalArgumentException(op + ": expected input of shape [batch, classes], got "
                    + Shapes.str(input.shapeRef()));
        }
        if (target.isFloat()) {
            throw new IllegalArgumentException(op + ": target must be an int32 tensor of class indices, got float32");
        }
        if (target.dim() != 1 || target.size(0) != input.size(0)) {
            throw new IllegalArgumentException(op + ": target of shape " + Shapes.str(target.shapeRef())
                    + " does not match input of shape " + Shapes.str(input.shapeRef())
                    + " (expected [" + input.size(0) + "])");
        }
        int[] t = target.intStorage();
        int c = input.size(1);
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= c) {
                throw new IllegalArgumentException(op + ": target " + t[i] + " at position " + i
                        + " is out of bounds for " + c + " classes (expected 0.." + (c - 1) + ")");
            }
        }
        return t;
    }
}
