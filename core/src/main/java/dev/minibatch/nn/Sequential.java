package dev.minibatch.nn;

import dev.minibatch.tensor.Fused;
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

    /**
     * Runs the modules in order. A {@link Linear} followed by a {@link ReLU} (the classes themselves, whose
     * forward is known) on a 2-D input runs as one fused op, {@link Fused#linearRelu}: the same values and
     * gradients, one pass over the activations instead of two, and one array fewer per step.
     */
    @Override
    public Tensor forward(Tensor x) {
        Module[] ms = registeredModules().toArray(new Module[0]);
        Tensor y = x;
        for (int i = 0; i < ms.length; i++) {
            if (fusable(ms, i, y)) {
                Linear l = (Linear) ms[i];
                y = Fused.linearRelu(y, l.weight, l.bias);
                i++;
            } else {
                y = ms[i].forward(y);
            }
        }
        return y;
    }

    private static boolean fusable(Module[] ms, int i, Tensor y) {
        return i + 1 < ms.length && ms[i].getClass() == Linear.class && ms[i + 1].getClass() == ReLU.class
                && y.dim() == 2 && y.size(1) == ((Linear) ms[i]).inFeatures;
    }
}
