package dev.minibatch.tensor;

/**
 * Dropout, like {@code F.dropout}: in training each element is zeroed with probability p and the others are
 * scaled by {@code 1/(1-p)} (inverted dropout), so evaluation is the identity and needs no rescaling.
 */
final class Dropout {
    private Dropout() {
    }

    static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        checkProbability(p);
        float[] xv = x.requireFloat("dropout");
        if (!training || p == 0) {
            return x;
        }
        // p == 1 keeps nothing: PyTorch gives zeros rather than 0 · inf.
        float scale = p == 1 ? 0f : (float) (1 / (1 - p));
        float[] mask = new float[xv.length];
        synchronized (gen) {
            for (int i = 0; i < mask.length; i++) {
                mask[i] = gen.nextDouble() < p ? 0f : scale;
            }
        }
        float[] out = new float[xv.length];
        Kernels.get().mul(xv, mask, out, out.length);
        return Autograd.record(new Tensor(out, x.shape()), g -> {
            float[] gx = new float[g.length];
            Kernels.get().mul(g, mask, gx, g.length);
            x.accumulateGrad(gx);
        }, x);
    }

    private static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: probability has to be between 0 and 1, but got " + p);
        }
    }
}
