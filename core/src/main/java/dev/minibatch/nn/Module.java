package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A layer or a model, like {@code torch.nn.Module}: subclasses implement {@link #forward} and keep their
 * sub-modules and parameters in fields.
 *
 * <p>PyTorch registers members in {@code __setattr__}; Java has no such hook, so a module reads its own
 * fields when asked about its members (every method below does): each field whose declared type is a
 * {@code Module} (or subclass) and holds one registers as a sub-module, and each {@code Tensor} field
 * holding a {@link Parameter} registers as a parameter, under the field's name. A member keeps the position
 * where it was first seen: fields appear in declaration order (superclasses first), and a field first
 * assigned after an explicit {@link #register} comes after it, as it would in PyTorch. A plain list of
 * modules registers nothing, as in PyTorch: use {@link ModuleList}.
 *
 * <p>Buffers are state that is saved but not trained, like PyTorch's {@code register_buffer}: a layer's
 * running statistics, say. A module registers them by name in its constructor, usually keeping the tensor in
 * a field of its own for {@code forward} (a plain tensor field registers nothing by itself):
 *
 * <pre>{@code
 * this.runningMean = registerBuffer("running_mean", Tensor.zeros(features));
 * this.numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.ofInts(new int[] {0}, new int[0]));
 * }</pre>
 *
 * A buffer may be float32 or int32. It is listed by {@link #buffers()} and {@link #namedBuffers()} but not by
 * {@link #parameters()}, so no optimizer touches it; {@link #stateDict()} saves it (after its module's own
 * parameters) and {@link #loadStateDict} restores it, unless it was registered as not persistent. Update a
 * buffer in place (its values are what the state dict shares), or register the name again to replace it.
 */
public abstract class Module {
    private final LinkedHashMap<String, Module> subModules = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> ownParameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> ownBuffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new HashSet<>();
    private boolean training = true;

    public abstract Tensor forward(Tensor x);

    /**
     * Adds a sub-module that is not held in a field, like {@code add_module}; registering a name again
     * replaces the module in its place. Returns {@code module}.
     */
    public final <M extends Module> M register(String name, M module) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("register: module name must be non-empty and contain no \".\", got "
                    + (name == null ? "null" : "\"" + name + "\""));
        }
        if (module == null) {
            throw new IllegalArgumentException("register: module \"" + name + "\" is null");
        }
        if (ModuleFields.isField(getClass(), name)) {
            throw new IllegalArgumentException("register: \"" + name + "\" is already a field of "
                    + name() + "; assign the field instead");
        }
        if (ownBuffers.containsKey(name)) {
            throw new IllegalArgumentException("register: attribute '" + name + "' already exists (a buffer of "
                    + name() + ")");
        }
        syncFields();
        subModules.put(name, module);
        return module;
    }

    /** A persistent buffer: {@code registerBuffer(name, value, true)}. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        return registerBuffer(name, value, true);
    }

    /**
     * Registers {@code value} as the buffer {@code name}, like {@code register_buffer(name, tensor, persistent)}:
     * saved in the state dict when {@code persistent}, never trained. Registering a name again replaces the
     * buffer in its place. A null value reserves the name but is neither listed nor saved, as PyTorch's
     * {@code None} buffer. Returns {@code value}, to be kept in a field.
     */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("registerBuffer: buffer name must be non-empty and contain no \".\", "
                    + "got " + (name == null ? "null" : "\"" + name + "\""));
        }
        syncFields();
        if (ModuleFields.isField(getClass(), name) || subModules.containsKey(name)) {
            throw new IllegalArgumentException("registerBuffer: attribute '" + name + "' already exists (a "
                    + (ModuleFields.isField(getClass(), name) ? "field" : "sub-module") + " of " + name() + ")");
        }
        ownBuffers.put(name, value);
        if (persistent) {
            nonPersistent.remove(name);
        } else {
            nonPersistent.add(name);
        }
        return value;
    }

    /** Brings the registry up to date with the fields' current values. */
    private void syncFields() {
        for (Field f : ModuleFields.of(getClass())) {
            String name = f.getName();
            Object value = ModuleFields.read(f, this);
            if (value instanceof Module m) {
                ownParameters.remove(name);
                subModules.put(name, m);
            } else if (value instanceof Tensor t && Parameter.isParameter(t)) {
                subModules.remove(name);
                ownParameters.put(name, t);
            } else {
                subModules.remove(name);
                ownParameters.remove(name);
            }
        }
    }

    /** The direct sub-modules in registration order, repeats included (a Sequential may hold one twice). */
    final Collection<Module> registeredModules() {
        syncFields();
        return Collections.unmodifiableCollection(subModules.values());
    }

    // ---- traversal ------------------------------------------------------------------------------

    /** Every parameter of this module and its sub-modules, each once, for an optimizer. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters by dotted path ({@code l1.weight}, {@code 0.bias}, {@code layers.2.weight}), each once. */
    public final LinkedHashMap<String, Tensor> namedParameters() {
        return namedMembers(m -> m.ownParameters);
    }

    /** Every buffer of this module and its sub-modules, persistent or not, each once. */
    public final List<Tensor> buffers() {
        return new ArrayList<>(namedBuffers().values());
    }

    /** Buffers by dotted path ({@code bn.running_mean}), persistent or not, each once. */
    public final LinkedHashMap<String, Tensor> namedBuffers() {
        return namedMembers(m -> m.ownBuffers);
    }

    /** The members that {@code own} gives of every module, by dotted path, each tensor once. */
    private LinkedHashMap<String, Tensor> namedMembers(Function<Module, Map<String, Tensor>> own) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        namedModules().forEach((prefix, m) -> {
            m.syncFields();
            own.apply(m).forEach((name, t) -> {
                if (t != null && seen.add(t)) {
                    out.put(prefix.isEmpty() ? name : prefix + "." + name, t);
                }
            });
        });
        return out;
    }

    /** The direct sub-modules, each once. */
    public final List<Module> children() {
        return new ArrayList<>(namedChildren().values());
    }

    public final LinkedHashMap<String, Module> namedChildren() {
        syncFields();
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        subModules.forEach((name, m) -> {
            if (seen.add(m)) {
                out.put(name, m);
            }
        });
        return out;
    }

    /** This module and all below it, depth first, each once. */
    public final List<Module> modules() {
        return new ArrayList<>(namedModules().values());
    }

    /** {@link #modules()} by dotted path; this module's path is {@code ""}. */
    public final LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", Collections.newSetFromMap(new IdentityHashMap<>()), out);
        return out;
    }

    private void collectModules(String prefix, Set<Module> seen, Map<String, Module> out) {
        if (!seen.add(this)) {
            return;
        }
        out.put(prefix, this);
        syncFields();
        subModules.forEach((name, m) -> m.collectModules(prefix.isEmpty() ? name : prefix + "." + name, seen, out));
    }

    // ---- mode and gradients -----------------------------------------------------------------------

    /** Sets training mode on this module and every sub-module. Returns this module. */
    public Module train(boolean mode) {
        training = mode;
        for (Module m : children()) {
            m.train(mode);
        }
        return this;
    }

    public final Module train() {
        return train(true);
    }

    /** Evaluation mode, for this module and every sub-module: {@code train(false)}. */
    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Drops every parameter's gradient, like {@code zero_grad()} (set to none). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    // ---- state dict -------------------------------------------------------------------------------

    /**
     * Every parameter and persistent buffer by dotted path, in PyTorch's order (a module's own parameters,
     * then its own buffers, then each sub-module's, recursively). Values share storage with the parameters
     * and buffers, as in PyTorch: copy them for a snapshot.
     */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        out.replaceAll((name, p) -> p.detach());
        return out;
    }

    /**
     * The live parameters and persistent buffers by dotted path, repeats included: PyTorch saves a shared
     * member under each name.
     */
    private void collectState(String prefix, Map<String, Tensor> out) {
        syncFields();
        ownParameters.forEach((name, p) -> out.put(prefix + name, p));
        ownBuffers.forEach((name, b) -> {
            if (b != null && !nonPersistent.contains(name)) {
                out.put(prefix + name, b);
            }
        });
        subModules.forEach((name, m) -> m.collectState(prefix + name + ".", out));
    }

    /**
     * Copies every value of {@code state} into the parameter or buffer of the same name. Strict, like
     * PyTorch's default: if any name is missing or unexpected, or any shape or dtype differs, nothing is
     * copied and the error lists every problem.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        LinkedHashMap<String, Tensor> own = new LinkedHashMap<>();
        collectState("", own);
        checkLoadable(own, state);
        own.forEach((name, p) -> p.copyFrom(state.get(name)));
    }

    /** PyTorch's message: missing keys, then unexpected keys, then each mismatch, one per line. */
    private void checkLoadable(Map<String, Tensor> own, Map<String, Tensor> state) {
        List<String> missing = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        own.forEach((name, p) -> {
            Tensor t = state.get(name);
            if (!state.containsKey(name)) {
                missing.add("\"" + name + "\"");
            } else if (t == null) {
                errors.add("value for " + name + " is null");
            } else if (t.dtype() != p.dtype()) {
                errors.add("dtype mismatch for " + name + ": copying " + (t.isFloat() ? "a " : "an ") + t.dtype()
                        + " tensor from checkpoint, the " + (Parameter.isParameter(p) ? "parameter" : "buffer")
                        + " in current model is " + p.dtype() + ".");
            } else if (!Arrays.equals(t.shape(), p.shape())) {
                errors.add("size mismatch for " + name + ": copying a param with shape " + Arrays.toString(t.shape())
                        + " from checkpoint, the shape in current model is " + Arrays.toString(p.shape()) + ".");
            }
        });
        List<String> unexpected = new ArrayList<>();
        for (String name : state.keySet()) {
            if (!own.containsKey(name)) {
                unexpected.add("\"" + name + "\"");
            }
        }
        if (!unexpected.isEmpty()) {
            errors.add(0, "Unexpected key(s) in state_dict: " + String.join(", ", unexpected) + ".");
        }
        if (!missing.isEmpty()) {
            errors.add(0, "Missing key(s) in state_dict: " + String.join(", ", missing) + ".");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + name() + ":\n\t"
                    + String.join("\n\t", errors));
        }
    }

    // ---- printing ---------------------------------------------------------------------------------

    /** The settings shown between the parentheses, like {@code extra_repr}: {@code in_features=784, ...}. */
    protected String extraRepr() {
        return "";
    }

    /** PyTorch's printout: the class name, the extra repr, and each sub-module indented on its own line. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        String extra = extraRepr();
        if (!extra.isEmpty()) {
            lines.addAll(List.of(extra.split("\n", -1)));
        }
        int extraLines = lines.size();
        syncFields();
        subModules.forEach((name, m) -> lines.add("(" + name + "): " + m.toString().replace("\n", "\n  ")));
        StringBuilder s = new StringBuilder(name()).append('(');
        if (extraLines == 1 && lines.size() == 1) {
            s.append(lines.get(0));
        } else if (!lines.isEmpty()) {
            s.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return s.append(')').toString();
    }

    /** The class's simple name; an anonymous subclass shows the class it extends. */
    private String name() {
        Class<?> c = getClass();
        while (c.getSimpleName().isEmpty()) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }
}
