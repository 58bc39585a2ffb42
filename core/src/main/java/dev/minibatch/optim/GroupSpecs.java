package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an optimizer's builder collects: its settings (the optimizer's defaults, as in
 * {@code SGD(params, lr=0.1, momentum=0.9)}) and each parameter group with the settings it overrides (as in
 * {@code {'params': head, 'lr': 1e-3}}). The builder of a group's overrides holds only what it was given.
 */
final class GroupSpecs {
    private record Spec(List<Tensor> params, Map<String, float[]> overrides) {
    }

    private final LinkedHashMap<String, float[]> settings;
    private final List<Spec> groups = new ArrayList<>();
    private final boolean overridesOnly;

    private GroupSpecs(Map<String, float[]> settings, boolean overridesOnly) {
        this.settings = ParamGroup.copy(settings);
        this.overridesOnly = overridesOnly;
    }

    /** A builder's: PyTorch's defaults, then a first group of {@code params} if given. */
    static GroupSpecs withDefaults(List<Tensor> params, Map<String, float[]> defaults) {
        GroupSpecs specs = new GroupSpecs(defaults, false);
        if (params != null) {
            specs.groups.add(new Spec(params, Map.of()));
        }
        return specs;
    }

    /** A group's overrides: empty until set. */
    static GroupSpecs overrides() {
        return new GroupSpecs(Map.of(), true);
    }

    void set(String name, float... values) {
        settings.put(name, values.clone());
    }

    void group(List<Tensor> params, GroupSpecs overrides) {
        if (overridesOnly) {
            throw new IllegalStateException("a parameter group's overrides cannot add groups");
        }
        groups.add(new Spec(params, overrides.settings));
    }

    Map<String, float[]> settings() {
        return ParamGroup.copy(settings);
    }

    /** Adds every group to the optimizer that {@link #settings()} gave its defaults to. */
    void addTo(Optimizer optimizer) {
        if (overridesOnly) {
            throw new IllegalStateException("a parameter group's overrides do not build an optimizer");
        }
        if (groups.isEmpty()) {
            optimizer.addParamGroup(List.of());
        }
        for (Spec g : groups) {
            optimizer.addParamGroup(g.params(), g.overrides());
        }
    }
}
