package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One of an optimizer's parameter groups, like an entry of PyTorch's {@code optimizer.param_groups}: some
 * parameters and the hyper-parameters they are updated with, by PyTorch's names ({@code lr}, {@code momentum},
 * {@code dampening}, {@code weight_decay}, {@code nesterov} for SGD; {@code lr}, {@code betas}, {@code eps},
 * {@code weight_decay}, {@code amsgrad} for Adam and AdamW). Every setting is float32; a flag is 1 or 0 and
 * {@code betas} holds two values. Each change is validated by the optimizer, with the builders' messages, and
 * applies from the next step on: this is what schedulers change.
 */
public final class ParamGroup {
    static final String LR = "lr";

    private final List<Tensor> params;
    private final LinkedHashMap<String, float[]> settings;
    private final Consumer<Map<String, float[]>> validator;
    private final String owner;
    /** PyTorch's {@code group['initial_lr']}: set by the first scheduler on this group, NaN before. */
    double initialLr = Double.NaN;

    ParamGroup(List<Tensor> params, Map<String, float[]> settings, String owner,
               Consumer<Map<String, float[]>> validator) {
        this.params = List.copyOf(params);
        this.settings = copy(settings);
        this.owner = owner;
        this.validator = validator;
    }

    public List<Tensor> params() {
        return params;
    }

    public float lr() {
        return get(LR);
    }

    /** Changes the learning rate from the next step on; refuses a negative, infinite or NaN value. */
    public void setLr(float lr) {
        set(LR, lr);
    }

    /** The names of this group's settings, {@code lr} first, in the state dict's order. */
    public Set<String> names() {
        return settings.keySet();
    }

    public boolean has(String name) {
        return settings.containsKey(name);
    }

    /** A one-value setting ({@code get("momentum")}); for {@code betas} use {@link #values}. */
    public float get(String name) {
        float[] v = checked(name);
        if (v.length != 1) {
            throw new IllegalArgumentException(owner + ": " + name + " holds " + v.length
                    + " values; read it with values(\"" + name + "\")");
        }
        return v[0];
    }

    /** A setting's values, a copy: {@code values("betas")} is {@code {beta1, beta2}}. */
    public float[] values(String name) {
        return checked(name).clone();
    }

    /**
     * Changes a setting, validated with the others as the builder validates them: {@code set("momentum", 0.9f)},
     * {@code set("betas", 0.9f, 0.999f)}. Nothing changes if it is refused.
     */
    public void set(String name, float... values) {
        float[] current = checked(name);
        if (values.length != current.length) {
            throw new IllegalArgumentException(owner + ": " + name + " takes " + current.length + " value(s), got "
                    + values.length);
        }
        LinkedHashMap<String, float[]> next = copy(settings);
        next.put(name, values.clone());
        validator.accept(next);
        settings.put(name, values.clone());
    }

    private float[] checked(String name) {
        float[] v = settings.get(name);
        if (v == null) {
            throw new IllegalArgumentException(owner + ": no setting " + name + " (a group has " + names() + ")");
        }
        return v;
    }

    /** A copy of every setting, for the state dict. */
    LinkedHashMap<String, float[]> settings() {
        return copy(settings);
    }

    /** Takes settings that the validator has already accepted, as loading a state dict does. */
    void replaceSettings(Map<String, float[]> values) {
        settings.clear();
        settings.putAll(copy(values));
    }

    static LinkedHashMap<String, float[]> copy(Map<String, float[]> settings) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }
}
