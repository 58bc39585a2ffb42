package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every optimizer shares, like {@code torch.optim.Optimizer}: the parameter groups (each with its own
 * hyper-parameters, see {@link ParamGroup}), each parameter's state (its buffers by PyTorch's names, empty until
 * the parameter's first update), and saving and restoring all of it. Subclasses implement {@link #step()} as
 * the formula, reading each group's settings.
 *
 * <p>The state dict is flat and holds only tensors, so a checkpoint stores it as it stores a model:
 * {@code state.<i>.<buffer>} for parameter {@code i}'s buffers, numbered across all
 * groups in order as PyTorch numbers them; {@code param_groups.<g>.<setting>} for each hyper-parameter of group
 * {@code g} (a scalar, or 1-D for {@code betas}); and {@code param_groups.<g>.params}, the indices of the
 * group's parameters, so that a checkpoint for another model is refused. Hyper-parameters are float32, the
 * library's only float type, so that they round-trip exactly.
 */
public abstract class Optimizer {
    private final Map<String, float[]> defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Tensor, Integer> index = new IdentityHashMap<>();
    private final List<Tensor> params = new ArrayList<>();
    private List<Map<String, Tensor>> state = new ArrayList<>();

    /**
     * An optimizer without groups yet: {@code defaults} are the settings a group takes unless it gives its own,
     * by PyTorch's names; without {@code lr} in them, every group must give one (SGD's required lr).
     */
    protected Optimizer(Map<String, float[]> defaults) {
        this.defaults = ParamGroup.copy(defaults);
    }

    /** Updates every parameter that has a gradient; the others are left as they are, as in PyTorch. */
    public abstract void step();

    /** Drops every parameter's gradient, like {@code zero_grad()} (set to none). */
    public void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** The groups in order, like {@code optimizer.param_groups}; change their settings through them. */
    public final List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** A group with the optimizer's default settings, like {@code add_param_group({'params': params})}. */
    public final ParamGroup addParamGroup(List<Tensor> params) {
        return addParamGroup(params, Map.of());
    }

    /**
     * Adds a group, like {@code add_param_group}: settings not in {@code settings} take the optimizer's
     * defaults. Refuses an unknown or invalid setting, an empty list, and a parameter that is not a float32 leaf
     * or is already in a group, naming it.
     */
    public final ParamGroup addParamGroup(List<Tensor> params, Map<String, float[]> settings) {
        String where = groups.isEmpty() ? "" : " of group " + groups.size();
        checkParams(params, where);
        LinkedHashMap<String, float[]> merged = merge(settings);
        check(merged);
        ParamGroup group = new ParamGroup(params, merged, name(), this::check);
        groups.add(group);
        for (Tensor p : params) {
            index.put(p, this.params.size());
            this.params.add(p);
            state.add(new LinkedHashMap<>());
        }
        return group;
    }

    private void checkParams(List<Tensor> list, String where) {
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException(name() + ": optimizer got an empty parameter list");
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < list.size(); i++) {
            Tensor p = list.get(i);
            if (p == null || !p.isFloat() || !p.isLeaf()) {
                throw new IllegalArgumentException(name() + ": parameter " + i + where
                        + " must be a float32 leaf tensor" + (p == null ? ", got null" : ""));
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException(name() + ": parameter " + i + where + " appears more than once");
            }
            Integer other = index.get(p);
            if (other != null) {
                throw new IllegalArgumentException(name() + ": parameter " + i + where + " is already in group "
                        + groupOf(other) + " (a parameter can be in one group only)");
            }
        }
    }

    private int groupOf(int paramIndex) {
        int end = 0;
        for (int g = 0; g < groups.size(); g++) {
            end += groups.get(g).params().size();
            if (paramIndex < end) {
                return g;
            }
        }
        throw new IllegalStateException("parameter " + paramIndex + " is in no group");
    }

    /** The defaults overlaid with a group's own settings, lr first, each checked for its name and size. */
    private LinkedHashMap<String, float[]> merge(Map<String, float[]> own) {
        for (Map.Entry<String, float[]> e : own.entrySet()) {
            float[] d = defaults.get(e.getKey());
            if (d == null && !e.getKey().equals(ParamGroup.LR)) {
                throw new IllegalArgumentException(name() + ": unknown setting " + e.getKey() + " (" + name()
                        + " has " + names() + ")");
            }
            if (d != null && d.length != e.getValue().length) {
                throw new IllegalArgumentException(name() + ": " + e.getKey() + " takes " + d.length
                        + " value(s), got " + e.getValue().length);
            }
        }
        if (!own.containsKey(ParamGroup.LR) && !defaults.containsKey(ParamGroup.LR)) {
            throw new IllegalArgumentException(name() + ": lr is required (" + name()
                    + " has no default learning rate)");
        }
        LinkedHashMap<String, float[]> merged = new LinkedHashMap<>();
        merged.put(ParamGroup.LR, own.getOrDefault(ParamGroup.LR, defaults.get(ParamGroup.LR)).clone());
        defaults.forEach((k, v) -> merged.putIfAbsent(k, own.getOrDefault(k, v).clone()));
        return merged;
    }

    private Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        names.add(ParamGroup.LR);
        names.addAll(defaults.keySet());
        return names;
    }

    /** Validates a whole group's settings, as the builders do; throws on the first problem. */
    final void check(Map<String, float[]> settings) {
        checkLr(settings.get(ParamGroup.LR)[0]);
        checkSettings(settings);
    }

    /** Group 0's learning rate; with several groups, read each from {@link #paramGroups()}. */
    public final float lr() {
        return groups.get(0).lr();
    }

    /** Sets every group's learning rate from the next step on. */
    public final void setLr(float lr) {
        checkLr(lr);
        for (ParamGroup g : groups) {
            g.setLr(lr);
        }
    }

    private void checkLr(float value) {
        if (!(value >= 0) || value == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name() + ": invalid learning rate " + value + " (must be >= 0)");
        }
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

    // ---- for subclasses ---------------------------------------------------------------------------

    /** Validates a group's settings other than lr (already checked); throws with the builder's message. */
    protected abstract void checkSettings(Map<String, float[]> settings);

    /** A parameter's buffers, like {@code self.state[p]}; subclasses add to it on the first update. */
    protected final Map<String, Tensor> state(Tensor param) {
        Integer i = index.get(param);
        if (i == null) {
            throw new IllegalArgumentException(name() + ": the tensor is not one of this optimizer's parameters");
        }
        return state.get(i);
    }

    /**
     * Every buffer name a parameter's state may hold. A buffer has its parameter's shape, except {@code step},
     * a scalar count, as in PyTorch.
     */
    protected abstract Set<String> bufferNames();

    /** Adds a line to {@code errors} if parameter {@code i}'s loaded buffers miss one its group's settings need. */
    protected void checkLoadedState(int i, Map<String, float[]> settings, Map<String, Tensor> buffers,
                                    List<String> errors) {
    }

    // ---- state dict -------------------------------------------------------------------------------

    /**
     * Every group's settings and every buffer, flat (see the class comment). Buffers are the live tensors, as in
     * PyTorch: save them before the next step, or copy them.
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        return OptimizerState.write(groups, state);
    }

    /**
     * Restores what {@link #stateDict()} returned, copying every tensor, so that training continues exactly
     * as if it had not stopped. Strict: a missing setting, an unknown key, a buffer of the wrong shape, another
     * number of groups or of parameters in a group is refused with every problem listed, and nothing changes.
     * The single-group layout of earlier versions ({@code param_groups.<setting>}) is accepted by an optimizer
     * with one group.
     */
    public final void loadStateDict(Map<String, Tensor> dict) {
        OptimizerState loaded = OptimizerState.read(dict, this);
        for (Map<String, float[]> settings : loaded.settings()) {
            check(settings);
        }
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).replaceSettings(loaded.settings().get(g));
        }
        state = loaded.buffers();
    }

    // ---- for the state dict's reader -------------------------------------------------------------

    final List<Tensor> params() {
        return Collections.unmodifiableList(params);
    }
}
