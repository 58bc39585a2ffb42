package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Adam, like {@code torch.optim.Adam}, with L2 weight decay and the AMSGrad variant; {@link AdamW} is the
 * same with decoupled weight decay. Build it with {@code Adam.builder(model.parameters()).build()} for
 * PyTorch's defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay).
 */
public class Adam extends Optimizer {
    private static final String STEP = "step";
    private static final String EXP_AVG = "exp_avg";
    private static final String EXP_AVG_SQ = "exp_avg_sq";
    private static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    /** AdamW's decay θ ← θ·(1 − lr·λ) instead of Adam's g ← g + λθ. */
    private final boolean decoupled;
    private float beta1;
    private float beta2;
    private float eps;
    private float weightDecay;
    private boolean amsgrad;

    Adam(Builder<?> b, boolean decoupled) {
        super(b.params, b.lr);
        this.decoupled = decoupled;
        use(b.beta1, b.beta2, b.eps, b.weightDecay, b.amsgrad);
    }

    /** The wildcard lets {@link AdamW#builder} hide this method with its own builder type. */
    public static Builder<? extends Adam> builder(List<Tensor> params) {
        return new Builder<Adam>(params, 0f, b -> new Adam(b, false));
    }

    /** Validates the settings, then takes them. */
    private void use(float beta1, float beta2, float eps, float weightDecay, boolean amsgrad) {
        checkNonNegative("eps", eps);
        checkNonNegative("weight_decay", weightDecay);
        checkBeta(0, beta1);
        checkBeta(1, beta2);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
    }

    private void checkBeta(int index, float beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name() + ": invalid beta parameter at index " + index + ": " + beta
                    + " (must be in [0, 1))");
        }
    }

    /**
     * For each parameter θ with gradient g, at step t: weight decay (g ← g + λθ for Adam, θ ← θ(1 − lr·λ) for
     * AdamW); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; with AMSGrad v̂ ← max(v̂, v), else v̂ = v; then
     * θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε). The order of operations is PyTorch's, so that
     * float32 rounding matches; scalars PyTorch computes as Python floats are computed in double here.
     */
    @Override
    public void step() {
        float lr = lr();
        float oneMinusBeta1 = (float) (1 - (double) beta1);
        float oneMinusBeta2 = (float) (1 - (double) beta2);
        float decay = (float) (1 - (double) lr * weightDecay);
        for (int i = 0; i < size(); i++) {
            Tensor param = param(i);
            if (param.grad() == null) {
                continue;
            }
            Map<String, Tensor> s = state(i);
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

    @Override
    protected Map<String, Tensor> settings() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("betas", Tensor.of(new float[] {beta1, beta2}, 2));
        s.put("eps", Tensor.scalar(eps));
        s.put("weight_decay", Tensor.scalar(weightDecay));
        s.put("amsgrad", Tensor.scalar(amsgrad ? 1 : 0));
        return s;
    }

    @Override
    protected void loadSettings(Map<String, Tensor> values) {
        float[] betas = values.get("betas").toFloatArray();
        use(betas[0], betas[1], values.get("eps").item(), values.get("weight_decay").item(),
                values.get("amsgrad").item() != 0);
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ);
    }

    /** A parameter that has been updated holds step, both moments, and the maximum with AMSGrad. */
    @Override
    protected void checkLoadedState(Map<String, Tensor> settings, List<Map<String, Tensor>> loaded,
                                    List<String> errors) {
        boolean withMax = settings.get("amsgrad").item() != 0;
        List<String> needed = withMax ? List.of(STEP, EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ)
                : List.of(STEP, EXP_AVG, EXP_AVG_SQ);
        for (int i = 0; i < loaded.size(); i++) {
            Map<String, Tensor> s = loaded.get(i);
            for (String name : needed) {
                if (!s.isEmpty() && !s.containsKey(name)) {
                    errors.add("missing state." + i + "." + name + " (parameter " + i + " has " + s.keySet() + ")");
                }
            }
        }
    }

    /**
     * Adam's and AdamW's settings, with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight
     * decay 0 for Adam and 1e-2 for AdamW, no AMSGrad.
     */
    public static final class Builder<T extends Adam> {
        private final List<Tensor> params;
        private final Function<Builder<T>, T> factory;
        private float lr = 1e-3f;
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float eps = 1e-8f;
        private float weightDecay;
        private boolean amsgrad;

        Builder(List<Tensor> params, float weightDecay, Function<Builder<T>, T> factory) {
            this.params = params;
            this.weightDecay = weightDecay;
            this.factory = factory;
        }

        public Builder<T> lr(float lr) {
            this.lr = lr;
            return this;
        }

        /** The decay rates of the first and second moment averages. */
        public Builder<T> betas(float beta1, float beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder<T> eps(float eps) {
            this.eps = eps;
            return this;
        }

        public Builder<T> weightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /** Normalise by the largest second moment seen so far (AMSGrad), not the current one. */
        public Builder<T> amsgrad(boolean amsgrad) {
            this.amsgrad = amsgrad;
            return this;
        }

        public T build() {
            return factory.apply(this);
        }
    }
}
