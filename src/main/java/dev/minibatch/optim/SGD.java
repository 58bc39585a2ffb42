package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent, like {@code torch.optim.SGD}, with weight decay, momentum, dampening and
 * Nesterov momentum. Build it with {@code SGD.builder(model.parameters()).lr(0.5f).build()}; the learning
 * rate has no default, as in PyTorch.
 */
public final class SGD extends Optimizer {
    private static final String MOMENTUM_BUFFER = "momentum_buffer";

    private float momentum;
    private float dampening;
    private float weightDecay;
    private boolean nesterov;

    private SGD(Builder b) {
        super(b.params, b.lr);
        use(b.momentum, b.dampening, b.weightDecay, b.nesterov);
    }

    public static Builder builder(List<Tensor> params) {
        return new Builder(params);
    }

    /** Validates the settings, then takes them. */
    private void use(float momentum, float dampening, float weightDecay, boolean nesterov) {
        checkNonNegative("momentum", momentum);
        checkNonNegative("weight_decay", weightDecay);
        if (Float.isNaN(dampening)) {
            throw new IllegalArgumentException(name() + ": invalid dampening NaN");
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException(name() + ": Nesterov momentum requires a momentum > 0 and zero "
                    + "dampening, got momentum=" + momentum + ", dampening=" + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /**
     * For each parameter θ with gradient g: d ← g + λθ; with momentum μ, b ← d on the first step and
     * b ← μb + (1 − τ)d after, then d ← d + μb (Nesterov) or d ← b; finally θ ← θ − lr·d.
     */
    @Override
    public void step() {
        float lr = lr();
        // PyTorch computes 1 - dampening in double (a Python float) and rounds it once.
        float undamped = (float) (1 - (double) dampening);
        for (int i = 0; i < size(); i++) {
            Tensor param = param(i);
            if (param.grad() == null) {
                continue;
            }
            float[] p = param.storage();
            float[] g = param.grad().storage();
            float[] b = null;
            boolean first = false;
            if (momentum != 0) {
                Tensor buf = state(i).get(MOMENTUM_BUFFER);
                first = buf == null;
                if (first) {
                    buf = Tensor.zerosLike(param);
                    state(i).put(MOMENTUM_BUFFER, buf);
                }
                b = buf.storage();
            }
            for (int j = 0; j < p.length; j++) {
                float d = g[j];
                if (weightDecay != 0) {
                    d += weightDecay * p[j];
                }
                if (b != null) {
                    b[j] = first ? d : momentum * b[j] + undamped * d;
                    d = nesterov ? d + momentum * b[j] : b[j];
                }
                p[j] -= lr * d;
            }
        }
    }

    @Override
    protected Map<String, Tensor> settings() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("momentum", Tensor.scalar(momentum));
        s.put("dampening", Tensor.scalar(dampening));
        s.put("weight_decay", Tensor.scalar(weightDecay));
        s.put("nesterov", Tensor.scalar(nesterov ? 1 : 0));
        return s;
    }

    @Override
    protected void loadSettings(Map<String, Tensor> values) {
        use(values.get("momentum").item(), values.get("dampening").item(), values.get("weight_decay").item(),
                values.get("nesterov").item() != 0);
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(MOMENTUM_BUFFER);
    }

    /** SGD's settings, PyTorch's defaults for all but the learning rate, which must be given. */
    public static final class Builder {
        private final List<Tensor> params;
        private Float lr;
        private float momentum;
        private float dampening;
        private float weightDecay;
        private boolean nesterov;

        private Builder(List<Tensor> params) {
            this.params = params;
        }

        public Builder lr(float lr) {
            this.lr = lr;
            return this;
        }

        public Builder momentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder dampening(float dampening) {
            this.dampening = dampening;
            return this;
        }

        /** L2 penalty: λθ is added to the gradient. */
        public Builder weightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        public SGD build() {
            if (lr == null) {
                throw new IllegalArgumentException("SGD: lr is required (SGD has no default learning rate)");
            }
            return new SGD(this);
        }
    }
}
