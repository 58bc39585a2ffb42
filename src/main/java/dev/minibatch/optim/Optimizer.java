package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every optimizer shares, like {@code torch.optim.Optimizer}: the parameters, the learning rate,
 * each parameter's state (its buffers by PyTorch's names, empty until the parameter's first update), and
 * saving and restoring all of it. Subclasses implement {@link #step()} as the formula.
 *
 * <p>The state dict is flat and holds only tensors, so a checkpoint stores it as it stores a model:
 * {@code state.<i>.<buffer>} for parameter {@code i}'s buffers (PyTorch's names: {@code momentum_buffer},
 * {@code step}, {@code exp_avg}, ...), {@code param_groups.<setting>} for each hyper-parameter as a scalar,
 * and {@code param_groups.params} (the parameter indices) so that a checkpoint for another model is refused.
 * Hyper-parameters are float32, the library's only float type, so that they round-trip exactly.
 */
public abstract class Optimizer {
    private static final String GROUP = "param_groups.";
    private static final String PARAMS = GROUP + "params";
    private static final String STATE = "state.";

    private final List<Tensor> params;
    private List<Map<String, Tensor>> state;
    private float lr;

    protected Optimizer(List<Tensor> params, float lr) {
        this.params = checkParams(params);
        this.lr = checkLr(lr);
        this.state = emptyState(params.size());
    }

    private List<Tensor> checkParams(List<Tensor> params) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException(name() + ": optimizer got an empty parameter list");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null || !p.isFloat() || !p.isLeaf()) {
                throw new IllegalArgumentException(name() + ": parameter " + i + " must be a float32 leaf tensor"
                        + (p == null ? ", got null" : ""));
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException(name() + ": parameter " + i + " appears more than once");
            }
        }
        return List.copyOf(params);
    }

    private static List<Map<String, Tensor>> emptyState(int n) {
        List<Map<String, Tensor>> s = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            s.add(new LinkedHashMap<>());
        }
        return s;
    }

    /** Updates every parameter that has a gradient; the others are left as they are, as in PyTorch. */
    public abstract void step();

    /** Drops every parameter's gradient, like {@code zero_grad()} (set to none). */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    public final float lr() {
        return lr;
    }

    /** Changes the learning rate from the next step on, for schedules. */
    public final void setLr(float lr) {
        this.lr = checkLr(lr);
    }

    private float checkLr(float value) {
        if (!(value >= 0) || value == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name() + ": invalid learning rate " + value + " (must be >= 0)");
        }
        return value;
    }

    /** Refuses a negative or NaN setting, naming it: {@code SGD: invalid momentum -0.5 (must be >= 0)}. */
    protected final void checkNonNegative(String setting, float value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(name() + ": invalid " + setting + " " + value + " (must be >= 0)");
        }
    }

    protected final String name() {
        return getClass().getSimpleName();
    }

    // ---- for subclasses' step() -----------------------------------------------------------------------

    protected final int size() {
        return params.size();
    }

    protected final Tensor param(int i) {
        return params.get(i);
    }

    /** Parameter {@code i}'s buffers, like {@code self.state[p]}; subclasses add to it on the first update. */
    protected final Map<String, Tensor> state(int i) {
        return state.get(i);
    }

    // ---- state dict -------------------------------------------------------------------------------

    /** Hyper-parameters other than lr, by PyTorch's names, as scalar (or, for betas, 1-D) tensors. */
    protected abstract Map<String, Tensor> settings();

    /** Validates every value of {@link #settings()}' layout, then uses them; throws before changing anything. */
    protected abstract void loadSettings(Map<String, Tensor> values);

    /**
     * Every buffer name a parameter's state may hold. A buffer has its parameter's shape, except {@code step},
     * a scalar count, as in PyTorch.
     */
    protected abstract Set<String> bufferNames();

    /** Adds a line to {@code errors} for each parameter whose loaded state misses a buffer the settings need. */
    protected void checkLoadedState(Map<String, Tensor> settings, List<Map<String, Tensor>> loaded,
                                    List<String> errors) {
    }

    /**
     * The learning rate, the other hyper-parameters and every buffer, flat (see the class comment). Buffers
     * are the live tensors, as in PyTorch: save them before the next step, or copy them.
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < state.size(); i++) {
            for (Map.Entry<String, Tensor> e : state.get(i).entrySet()) {
                out.put(STATE + i + "." + e.getKey(), e.getValue());
            }
        }
        out.put(GROUP + "lr", Tensor.scalar(lr));
        settings().forEach((k, v) -> out.put(GROUP + k, v));
        int[] indices = new int[params.size()];
        Arrays.setAll(indices, i -> i);
        out.put(PARAMS, Tensor.ofInts(indices, indices.length));
        return out;
    }

    /**
     * Restores what {@link #stateDict()} returned, copying every tensor, so that training continues exactly
     * as if it had not stopped. Strict: a missing setting, an unknown key, a buffer of the wrong shape or a
     * checkpoint for a different number of parameters is refused with every problem listed, and nothing changes.
     */
    public final void loadStateDict(Map<String, Tensor> dict) {
        List<String> errors = new ArrayList<>();
        Map<String, Tensor> group = new LinkedHashMap<>();
        Map<String, Tensor> expected = new LinkedHashMap<>();
        expected.put("lr", Tensor.scalar(lr));
        expected.putAll(settings());
        expected.forEach((k, current) -> {
            Tensor t = dict.get(GROUP + k);
            if (t == null) {
                errors.add("missing " + GROUP + k);
            } else if (!t.isFloat() || !Arrays.equals(t.shape(), current.shape())) {
                errors.add(GROUP + k + " must be a float32 tensor of shape " + Arrays.toString(current.shape())
                        + ", got " + t.dtype() + " of shape " + Arrays.toString(t.shape()));
            } else {
                group.put(k, t);
            }
        });
        Tensor indices = dict.get(PARAMS);
        if (indices == null) {
            errors.add("missing " + PARAMS);
        } else if (indices.numel() != params.size()) {
            errors.add("the checkpoint is for " + indices.numel() + " parameters, this optimizer has " + params.size());
        }
        List<Map<String, Tensor>> loaded = emptyState(params.size());
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(STATE)) {
                readBuffer(key, e.getValue(), loaded, errors);
            } else if (!key.equals(PARAMS) && !isSetting(key, expected)) {
                errors.add("unexpected key " + key);
            }
        }
        if (errors.isEmpty()) {
            checkLoadedState(group, loaded, errors);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + name() + ":\n\t"
                    + String.join("\n\t", errors));
        }
        float newLr = checkLr(group.remove("lr").item());
        loadSettings(group);
        lr = newLr;
        state = loaded;
    }

    private static boolean isSetting(String key, Map<String, Tensor> settings) {
        return key.startsWith(GROUP) && settings.containsKey(key.substring(GROUP.length()));
    }

    /** Copies {@code state.<i>.<name>} into {@code loaded}, or says why it cannot. */
    private void readBuffer(String key, Tensor value, List<Map<String, Tensor>> loaded, List<String> errors) {
        String[] parts = key.split("\\.", 3);
        int i = parts.length == 3 ? parseIndex(parts[1]) : -1;
        if (i < 0 || !bufferNames().contains(parts[2])) {
            errors.add("unexpected key " + key);
            return;
        }
        if (i >= params.size()) {
            errors.add(key + " is for parameter " + i + ", this optimizer has " + params.size());
            return;
        }
        int[] shape = parts[2].equals("step") ? new int[0] : params.get(i).shape();
        if (value == null || !value.isFloat() || !Arrays.equals(value.shape(), shape)) {
            errors.add(key + " must be a float32 tensor of shape " + Arrays.toString(shape) + ", got "
                    + (value == null ? "null" : value.dtype() + " of shape " + Arrays.toString(value.shape())));
            return;
        }
        loaded.get(i).put(parts[2], Tensor.wrap(value.toFloatArray(), shape));
    }

    /** A parameter index written as {@link #stateDict()} writes it, or -1. */
    private static int parseIndex(String s) {
        try {
            int i = Integer.parseInt(s);
            return String.valueOf(i).equals(s) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
