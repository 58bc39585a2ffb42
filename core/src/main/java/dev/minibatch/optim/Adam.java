package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Adam, like {@code torch.optim.Adam}, with L2 weight decay and the AMSGrad variant; {@link AdamW} is the
 * same with decoupled weight decay. Build it with {@code Adam.builder(model.parameters()).build()} for
 * PyTorch's defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay); groups with their own settings
 * as {@link SGD}'s: {@code Adam.builder(body).group(head, g -> g.lr(1e-4f)).build()}.
 */
public class Adam extends Optimizer {
    private static final String BETAS = "betas";
    private static final String EPS = "eps";
    private static final String WEIGHT_DECAY = "weight_decay";
    private static final String AMSGRAD = "amsgrad";
    private static final String STEP = "step";
    private static final String EXP_AVG = "exp_avg";
    private static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    /** AdamW's decay θ ← θ·(1 − lr·λ) instead of Adam's g ← g + λθ. */
    private final boolean decoupled;

    Adam(Builder<?> b, boolean decoupled) {
        super(b.specs.settings());
        this.decoupled = decoupled;
        b.specs.addTo(this);
    }

    /** The wildcard lets {@link AdamW#builder} hide this method with its own builder type. */
    public static Builder<? extends Adam> builder(List<Tensor> params) {
        return new Builder<Adam>(GroupSpecs.withDefaults(params, defaults(0f)), b -> new Adam(b, false));
    }

    /** A builder without parameters yet: give every group with {@link Builder#group}. */
    public static Builder<? extends Adam> builder() {
        return new Builder<Adam>(GroupSpecs.withDefaults(null, defaults(0f)), b -> new Adam(b, false));
    }

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no AMSGrad; weight decay is Adam's or AdamW's. */
    static Map<String, float[]> defaults(float weightDecay) {
        Map<String, float[]> d = new LinkedHashMap<>();
        d.put(ParamGroup.LR, new float[] {1e-3f});
        d.put(BETAS, new float[] {0.9f, 0.999f});
        d.put(EPS, new float[] {1e-8f});
        d.put(WEIGHT_DECAY, new float[] {weightDecay});
        d.put(AMSGRAD, new float[] {0});
        return d;
    }

    @Override
    protected void checkSettings(Map<String, float[]> s) {
        checkNonNegative(EPS, s.get(EPS)[0]);
        checkNonNegative(WEIGHT_DECAY, s.get(WEIGHT_DECAY)[0]);
        checkBeta(0, s.get(BETAS)[0]);
        checkBeta(1, s.get(BETAS)[1]);
    }

    private void checkBeta(int index, float beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name() + ": invalid beta parameter at index " + index + ": " + beta
                    + " (must be in [0, 1))");
        }
    }

    /**
     * For each group, for each parameter θ with gradient g, at step t: weight decay (g ← g + λθ for Adam,
     * θ ← θ(1 − lr·λ) for AdamW); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; with AMSGrad v̂ ← max(v̂, v), else
     * v̂ = v; then θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε). The order of operations is PyTorch's,
     * so that float32 rounding matches; scalars PyTorch computes as Python floats are computed in double here.
     */
    @Override
    public void step() {
        for (ParamGroup group : paramGroups()) {
            float lr = group.lr();
            float beta1 = group.values(BETAS)[0];
            float beta2 = group.values(BETAS)[1];
            float eps = group.get(EPS);
            float weightDecay = group.get(WEIGHT_DECAY);
            boolean amsgrad = group.get(AMSGRAD) != 0;
            float oneMinusBeta1 = (float) (1 - (double) beta1);
            float oneMinusBeta2 = (float) (1 - (double) beta2);
            float decay = (float) (1 - (double) lr * weightDecay);
            for (Tensor param : group.params()) {
                if (param.grad() == null) {
                    continue;
                }
                Map<String, Tensor> s = state(param);
                if (s.isEmpty()) {
                    s.put(STEP, Tensor.scalar(0));
                    s.put(EXP_AVG, Tensor.zerosLike(param));
                    s.put(EXP_AVG_SQ, Tensor.zerosLike(param));
                    if (amsgrad) {
                        s.put(MAX_EXP_AVG_SQ, Tensor.zerosLike(param));
                    }
                }
                float[] p = param.storage();
                float[] g = param.grad().storage();
                float[] m = s.get(EXP_AVG).storage();
                float[] v = s.get(EXP_AVG_SQ).storage();
                float[] vMax = amsgrad ? s.get(MAX_EXP_AVG_SQ).storage() : null;
                float[] step = s.get(STEP).storage();
                step[0] += 1;
                double biasCorrection1 = 1 - Math.pow(beta1, step[0]);
                double biasCorrection2 = 1 - Math.pow(beta2, step[0]);
                float stepSize = (float) (lr / biasCorrection1);
                float biasCorrection2Sqrt = (float) Math.sqrt(biasCorrection2);
                for (int j = 0; j < p.length; j++) {
                    float gj = g[j];
                    if (decoupled) {
                        p[j] *= decay;
                    } else if (weightDecay != 0) {
                        gj += weightDecay * p[j];
                    }
                    m[j] = m[j] * beta1 + oneMinusBeta1 * gj;
                    v[j] = v[j] * beta2 + oneMinusBeta2 * gj * gj;
                    float vHat = v[j];
                    if (vMax != null) {
                        vMax[j] = Math.max(vMax[j], v[j]);
                        vHat = vMax[j];
                    }
                    float denom = (float) Math.sqrt(vHat) / biasCorrection2Sqrt + eps;
                    p[j] += -stepSize * m[j] / denom;
                }
            }
        }
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ);
    }

    /** A parameter that has been updated holds step, both moments, and the maximum with AMSGrad. */
    @Override
    protected void checkLoadedState(int i, Map<String, float[]> settings, Map<String, Tensor> buffers,
                                    List<String> errors) {
        List<String> needed = settings.get(AMSGRAD)[0] != 0 ? List.of(STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ)
                : List.of(STEP, EXP_AVG, EXP_AVG_SQ);
        for (String name : needed) {
            if (!buffers.isEmpty() && !buffers.containsKey(name)) {
                errors.add("missing state." + i + "." + name + " (parameter " + i + " has " + buffers.keySet() + ")");
            }
        }
    }

    /**
     * Adam's and AdamW's settings, with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight
     * decay 0 for Adam and 1e-2 for AdamW, no AMSGrad; or, in {@link #group}'s overrides, only the settings that
     * group changes.
     */
    public static final class Builder<T extends Adam> {
        private final GroupSpecs specs;
        private final Function<Builder<T>, T> factory;

        Builder(GroupSpecs specs, Function<Builder<T>, T> factory) {
            this.specs = specs;
            this.factory = factory;
        }

        public Builder<T> lr(float lr) {
            specs.set(ParamGroup.LR, lr);
            return this;
        }

        /** The decay rates of the first and second moment averages. */
        public Builder<T> betas(float beta1, float beta2) {
            specs.set(BETAS, beta1, beta2);
            return this;
        }

        public Builder<T> eps(float eps) {
            specs.set(EPS, eps);
            return this;
        }

        public Builder<T> weightDecay(float weightDecay) {
            specs.set(WEIGHT_DECAY, weightDecay);
            return this;
        }

        /** Normalise by the largest second moment seen so far (AMSGrad), not the current one. */
        public Builder<T> amsgrad(boolean amsgrad) {
            specs.set(AMSGRAD, amsgrad ? 1 : 0);
            return this;
        }

        /** Another parameter group with the builder's settings. */
        public Builder<T> group(List<Tensor> params) {
            return group(params, g -> { });
        }

        /** Another parameter group; {@code overrides} sets what differs for it: {@code g -> g.lr(1e-4f)}. */
        public Builder<T> group(List<Tensor> params, Consumer<Builder<T>> overrides) {
            Builder<T> own = new Builder<>(GroupSpecs.overrides(), factory);
            overrides.accept(own);
            specs.group(params, own.specs);
            return this;
        }

        public T build() {
            return factory.apply(this);
        }
    }
}
