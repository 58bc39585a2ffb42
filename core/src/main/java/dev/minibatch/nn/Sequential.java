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
     * forward is known) on a 2-D input runs as one fused op, {@link Fused#linearRelu}, and a {@link Conv2d}
     * followed by a {@link ReLU} as {@link Fused#conv2dRelu}: the same values and gradients, one pass over the
     * activations instead of two, and one array fewer per step. A {@link Conv2d}, a {@link ReLU} and a
     * {@link MaxPool2d} of 2x2 windows with stride 2 (no padding, dilation or ceil mode) on an image batch run as
     * {@link Fused#conv2dReluMaxPool2x2}, which stores neither the convolution's output nor its gradient.
     */
    @Override
    public Tensor forward(Tensor x) {
        Module[] ms = registeredModules().toArray(new Module[0]);
        Tensor y = x;
        for (int i = 0; i < ms.length; i++) {
            boolean relu = i + 1 < ms.length && ms[i + 1].getClass() == ReLU.class;
            Tensor pooled = relu && i + 2 < ms.length && ms[i].getClass() == Conv2d.class && isPool2x2(ms[i + 2])
                    ? ((Conv2d) ms[i]).forwardReluPool(y) : null;
            Tensor fused = pooled == null && relu ? withRelu(ms[i], y) : null;
            if (pooled != null) {
                y = pooled;
                i += 2;
            } else if (fused != null) {
                y = fused;
                i++;
            } else {
                y = ms[i].forward(y);
            }
        }
        return y;
    }

    private static boolean isPool2x2(Module m) {
        if (m.getClass() != MaxPool2d.class) {
            return false;
        }
        MaxPool2d p = (MaxPool2d) m;
        return p.kernelSize == 2 && p.stride == 2 && p.padding == 0 && p.dilation == 1 && !p.ceilMode;
    }

    /** The module's forward and a ReLU after it as one op, or null where there is none for that module. */
    private static Tensor withRelu(Module m, Tensor y) {
        if (m.getClass() == Linear.class && y.dim() == 2 && y.size(1) == ((Linear) m).inFeatures) {
            Linear l = (Linear) m;
            return Fused.linearRelu(y, l.weight, l.bias);
        }
        return m.getClass() == Conv2d.class ? ((Conv2d) m).forwardRelu(y) : null;
    }
}
