package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer's state dict, written and read: {@code state.<i>.<buffer>}, {@code param_groups.<g>.<setting>}
 * and {@code param_groups.<g>.params} (see {@link Optimizer}). Reading checks everything and collects every
 * problem before the optimizer changes anything.
 */
record OptimizerState(List<LinkedHashMap<String, float[]>> settings, List<Map<String, Tensor>> buffers) {
    private static final String GROUPS = "param_groups.";
    private static final String STATE = "state.";
    private static final String PARAMS = "params";

    static LinkedHashMap<String, Tensor> write(List<ParamGroup> groups, List<Map<String, Tensor>> state) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < state.size(); i++) {
            for (Map.Entry<String, Tensor> e : state.get(i).entrySet()) {
                out.put(STATE + i + "." + e.getKey(), e.getValue());
            }
        }
        int first = 0;
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup group = groups.get(g);
            String prefix = GROUPS + g + ".";
            group.settings().forEach((k, v) -> out.put(prefix + k,
                    v.length == 1 ? Tensor.scalar(v[0]) : Tensor.of(v, v.length)));
            out.put(prefix + PARAMS, Tensor.ofInts(indices(first, group.params().size())));
            first += group.params().size();
        }
        return out;
    }

    private static int[] indices(int first, int n) {
        int[] out = new int[n];
        Arrays.setAll(out, i -> first + i);
        return out;
    }

    /** The settings and buffers in {@code dict}, copied; throws with every problem listed. */
    static OptimizerState read(Map<String, Tensor> dict, Optimizer optimizer) {
        List<String> errors = new ArrayList<>();
        Map<String, Tensor> d = upgradeLayout(dict, optimizer);
        List<ParamGroup> groups = optimizer.paramGroups();
        int saved = savedGroups(d);
        if (saved != groups.size()) {
            errors.add("the checkpoint has " + saved + " parameter group(s), this optimizer has " + groups.size());
        }
        List<LinkedHashMap<String, float[]>> settings = new ArrayList<>();
        int first = 0;
        for (int g = 0; g < groups.size(); g++) {
            settings.add(readSettings(d, g, groups.get(g), errors));
            checkIndices(d, g, first, groups.get(g).params().size(), errors);
            first += groups.get(g).params().size();
        }
        List<Map<String, Tensor>> buffers = new ArrayList<>();
        for (int i = 0; i < first; i++) {
            buffers.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> e : d.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(STATE)) {
                readBuffer(key, e.getValue(), optimizer, buffers, errors);
            } else if (!isGroupKey(key, groups)) {
                errors.add("unexpected key " + key);
            }
        }
        if (errors.isEmpty()) {
            checkBuffers(optimizer, settings, buffers, errors);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + optimizer.name() + ":\n\t"
                    + String.join("\n\t", errors));
        }
        return new OptimizerState(settings, buffers);
    }

    /**
     * Earlier versions wrote one group as {@code param_groups.<setting>}: that is group 0 of an optimizer with
     * one group; an optimizer with several cannot tell which group it was.
     */
    private static Map<String, Tensor> upgradeLayout(Map<String, Tensor> dict, Optimizer optimizer) {
        boolean old = dict.containsKey(GROUPS + PARAMS) && dict.keySet().stream()
                .filter(k -> k.startsWith(GROUPS)).noneMatch(k -> groupIndex(k) >= 0);
        if (!old) {
            return dict;
        }
        int n = optimizer.paramGroups().size();
        if (n != 1) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + optimizer.name()
                    + ":\n\tthe state dict has the single-group layout of earlier versions (param_groups.<setting>), "
                    + "this optimizer has " + n + " parameter groups");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        dict.forEach((k, v) -> out.put(k.startsWith(GROUPS) ? GROUPS + "0." + k.substring(GROUPS.length()) : k, v));
        return out;
    }

    /** The number of groups that {@code param_groups.<g>.} keys name. */
    private static int savedGroups(Map<String, Tensor> d) {
        return d.keySet().stream().mapToInt(OptimizerState::groupIndex).max().orElse(-1) + 1;
    }

    /** {@code g} of {@code param_groups.<g>.<name>}, or -1. */
    private static int groupIndex(String key) {
        if (!key.startsWith(GROUPS)) {
            return -1;
        }
        String[] parts = key.substring(GROUPS.length()).split("\\.", 2);
        return parts.length == 2 ? parseIndex(parts[0]) : -1;
    }

    /** A key for a group this optimizer has, or for one it has not (already counted as a group mismatch). */
    private static boolean isGroupKey(String key, List<ParamGroup> groups) {
        int g = groupIndex(key);
        if (g < 0) {
            return false;
        }
        String name = key.substring(key.indexOf('.', GROUPS.length()) + 1);
        return g >= groups.size() || name.equals(PARAMS) || groups.get(g).has(name);
    }

    private static LinkedHashMap<String, float[]> readSettings(Map<String, Tensor> d, int g, ParamGroup group,
                                                               List<String> errors) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        for (String name : group.names()) {
            String key = GROUPS + g + "." + name;
            Tensor t = d.get(key);
            int[] shape = group.values(name).length == 1 ? new int[0] : new int[] {group.values(name).length};
            if (t == null) {
                errors.add("missing " + key);
            } else if (!t.isFloat() || !Arrays.equals(t.shape(), shape)) {
                errors.add(key + " must be a float32 tensor of shape " + Arrays.toString(shape) + ", got "
                        + t.dtype() + " of shape " + Arrays.toString(t.shape()));
            } else {
                out.put(name, t.toFloatArray());
            }
        }
        return out;
    }

    private static void checkIndices(Map<String, Tensor> d, int g, int first, int n, List<String> errors) {
        String key = GROUPS + g + "." + PARAMS;
        Tensor t = d.get(key);
        if (t == null) {
            errors.add("missing " + key);
        } else if (t.numel() != n) {
            errors.add("the checkpoint is for " + t.numel() + " parameters in group " + g + ", this optimizer has "
                    + n);
        } else if (!Arrays.equals(t.toIntArray(), indices(first, n))) {
            errors.add(key + " must be " + Arrays.toString(indices(first, n)) + ", got "
                    + Arrays.toString(t.toIntArray()));
        }
    }

    /** Copies {@code state.<i>.<name>} into {@code buffers}, or says why it cannot. */
    private static void readBuffer(String key, Tensor value, Optimizer optimizer, List<Map<String, Tensor>> buffers,
                                   List<String> errors) {
        String[] parts = key.split("\\.", 3);
        int i = parts.length == 3 ? parseIndex(parts[1]) : -1;
        if (i < 0 || !optimizer.bufferNames().contains(parts[2])) {
            errors.add("unexpected key " + key);
            return;
        }
        if (i >= buffers.size()) {
            errors.add(key + " is for parameter " + i + ", this optimizer has " + buffers.size());
            return;
        }
        int[] shape = parts[2].equals("step") ? new int[0] : optimizer.params().get(i).shape();
        if (value == null || !value.isFloat() || !Arrays.equals(value.shape(), shape)) {
            errors.add(key + " must be a float32 tensor of shape " + Arrays.toString(shape) + ", got "
                    + (value == null ? "null" : value.dtype() + " of shape " + Arrays.toString(value.shape())));
            return;
        }
        buffers.get(i).put(parts[2], Tensor.wrap(value.toFloatArray(), shape));
    }

    private static void checkBuffers(Optimizer optimizer, List<LinkedHashMap<String, float[]>> settings,
                                     List<Map<String, Tensor>> buffers, List<String> errors) {
        int i = 0;
        for (int g = 0; g < settings.size(); g++) {
            for (int k = 0; k < optimizer.paramGroups().get(g).params().size(); k++, i++) {
                optimizer.checkLoadedState(i, settings.get(g), buffers.get(i), errors);
            }
        }
    }

    /** An index written as {@link #write} writes it, or -1. */
    private static int parseIndex(String s) {
        try {
            int i = Integer.parseInt(s);
            return String.valueOf(i).equals(s) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
