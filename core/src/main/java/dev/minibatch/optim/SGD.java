package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Stochastic gradient descent, like {@code torch.optim.SGD}, with weight decay, momentum, dampening and
 * Nesterov momentum. Build it with {@code SGD.builder(model.parameters()).lr(0.5f).build()}; the learning
 * rate has no default, as in PyTorch. Groups with their own settings, like
 * {@code SGD([{'params': body}, {'params': head, 'lr': 1e-3}], lr=1e-2, momentum=0.9)}:
 * {@code SGD.builder(body).group(head, g -> g.lr(1e-3f)).lr(1e-2f).momentum(0.9f).build()}.
 */
public final class SGD extends Optimizer {
    private static final String MOMENTUM = "momentum";
    private static final String DAMPENING = "dampening";
    private static final String WEIGHT_DECAY = "weight_decay";
    private static final String NESTEROV = "nesterov";
    private static final String MOMENTUM_BUFFER = "momentum_buffer";

    private SGD(Builder b) {
        super(b.specs.settings());
        b.specs.addTo(this);
    }

    public static Builder builder(List<Tensor> params) {
        return new Builder(GroupSpecs.withDefaults(params, defaults()));
    }

    /** A builder without parameters yet: give every group with {@link Builder#group}. */
    public static Builder builder() {
        return new Builder(GroupSpecs.withDefaults(null, defaults()));
    }

    /** PyTorch's defaults, all but the learning rate. */
    private static Map<String, float[]> defaults() {
        Map<String, float[]> d = new LinkedHashMap<>();
        d.put(MOMENTUM, new float[] {0});
        d.put(DAMPENING, new float[] {0});
        d.put(WEIGHT_DECAY, new float[] {0});
        d.put(NESTEROV, new float[] {0});
        return d;
    }

    @Override
    protected void checkSettings(Map<String, float[]> s) {
        float momentum = s.get(MOMENTUM)[0];
        float dampening = s.get(DAMPENING)[0];
        checkNonNegative(MOMENTUM, momentum);
        checkNonNegative(WEIGHT_DECAY, s.get(WEIGHT_DECAY)[0]);
        if (Float.isNaN(dampening)) {
            throw new IllegalArgumentException(name() + ": invalid dampening NaN");
        }
        if (s.get(NESTEROV)[0] != 0 && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException(name() + ": Nesterov momentum requires a momentum > 0 and zero "
                    + "dampening, got momentum=" + momentum + ", dampening=" + dampening);
        }
    }

    /**
     * For each group, for each parameter θ with gradient g: d ← g + λθ; with momentum μ, b ← d on the first step
     * and b ← μb + (1 − τ)d after, then d ← d + μb (Nesterov) or d ← b; finally θ ← θ − lr·d.
     */
    @Override
    public void step() {
        for (ParamGroup group : paramGroups()) {
            float lr = group.lr();
            float momentum = group.get(MOMENTUM);
            float weightDecay = group.get(WEIGHT_DECAY);
            boolean nesterov = group.get(NESTEROV) != 0;
            // PyTorch computes 1 - dampening in double (a Python float) and rounds it once.
            float undamped = (float) (1 - (double) group.get(DAMPENING));
            for (Tensor param : group.params()) {
                if (param.grad() == null) {
                    continue;
                }
                float[] p = param.storage();
                float[] g = param.grad().storage();
                float[] b = null;
                boolean first = false;
                if (momentum != 0) {
                    first = !state(param).containsKey(MOMENTUM_BUFFER);
                    b = state(param).computeIfAbsent(MOMENTUM_BUFFER, k -> Tensor.zerosLike(param)).storage();
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
    }

    @Override
    protected Set<String> bufferNames() {
        return Set.of(MOMENTUM_BUFFER);
    }

    /**
     * SGD's settings, PyTorch's defaults for all but the learning rate, which must be given; or, in
     * {@link #group}'s overrides, only the settings that group changes.
     */
    public static final class Builder {
        private final GroupSpecs specs;

        private Builder(GroupSpecs specs) {
            this.specs = specs;
        }

        public Builder lr(float lr) {
            specs.set(ParamGroup.LR, lr);
            return this;
        }

        public Builder momentum(float momentum) {
            specs.set(MOMENTUM, momentum);
            return this;
        }

        public Builder dampening(float dampening) {
            specs.set(DAMPENING, dampening);
            return this;
        }

        /** L2 penalty: λθ is added to the gradient. */
        public Builder weightDecay(float weightDecay) {
            specs.set(WEIGHT_DECAY, weightDecay);
            return this;
        }

        public Builder nesterov(boolean nesterov) {
            specs.set(NESTEROV, nesterov ? 1 : 0);
            return this;
        }

        /** Another parameter group with the builder's settings. */
        public Builder group(List<Tensor> params) {
            return group(params, g -> { });
        }

        /** Another parameter group; {@code overrides} sets what differs for it: {@code g -> g.lr(1e-3f)}. */
        public Builder group(List<Tensor> params, Consumer<Builder> overrides) {
            Builder own = new Builder(GroupSpecs.overrides());
            overrides.accept(own);
            specs.group(params, own.specs);
            return this;
        }

        public SGD build() {
            return new SGD(this);
        }
    }
}
