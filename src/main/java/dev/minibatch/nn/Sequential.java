package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/** Applies its modules one after another, like {@code nn.Sequential}; they are named "0", "1", ... */
public class Sequential extends Module {
    public Sequential(Module... modules) {
        for (Module m : modules) {
            append(m);
        }
    }

    /** Adds a module at the end. Returns this container. */
    public Sequential append(Module module) {
        register(String.valueOf(size()), module);
        return this;
    }

    /** The module at {@code index}; negative indices count from the end, as in Python. */
    public Module get(int index) {
        return ModuleList.at(this, index);
    }

    public int size() {
        return registeredModules().size();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module m : registeredModules()) {
            y = m.forward(y);
        }
        return y;
    }
}
