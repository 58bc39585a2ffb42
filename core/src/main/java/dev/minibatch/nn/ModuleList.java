package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

import java.util.Iterator;

/**
 * A list of modules that registers them, like {@code nn.ModuleList}, named "0", "1", ...: a plain
 * {@code List<Module>} field would hide them from {@code parameters()}. It has no forward of its own.
 */
public class ModuleList extends Module implements Iterable<Module> {
    public ModuleList(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Appends a module, like {@code append}. Returns this list. */
    public ModuleList add(Module module) {
        register(String.valueOf(size()), module);
        return this;
    }

    /** The module at {@code index}; negative indices count from the end, as in Python. */
    public Module get(int index) {
        return at(this, index);
    }

    public int size() {
        return registeredModules().size();
    }

    @Override
    public Iterator<Module> iterator() {
        return registeredModules().iterator();
    }

    /** Refused, as in PyTorch: a ModuleList only holds modules; iterate over it in the owner's forward. */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("ModuleList has no forward: call each module's forward "
                + "from the forward of the module that holds the list");
    }

    static Module at(Module container, int index) {
        int n = container.registeredModules().size();
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for "
                    + container.getClass().getSimpleName() + " of size " + n);
        }
        return container.registeredModules().stream().skip(i).findFirst().orElseThrow();
    }
}
