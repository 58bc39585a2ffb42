package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Marks a tensor as a module parameter, like wrapping it in {@code nn.Parameter}: a {@link Module}
 * registers a {@code Tensor} field as a parameter only if its value was made by {@link #of}. A plain
 * tensor field (a constant, a cached mask) is not registered, exactly as PyTorch ignores a plain tensor
 * attribute.
 *
 * <p>Why a mark rather than a subclass: {@link Tensor} is final, and a wrapper type would make users write
 * {@code linear.weight.data()} everywhere. With a mark, {@code linear.weight} is an ordinary tensor that
 * optimizers and ops take as it is, and the mark does not depend on {@code requiresGrad}, so a parameter
 * frozen with {@code requiresGrad(false)} stays in {@code parameters()} and {@code stateDict()} as in PyTorch.
 * The mark is held weakly by identity (Tensor does not override {@code equals}), so it costs nothing once the
 * tensor is unreachable.
 */
public final class Parameter {
    private static final Map<Tensor, Boolean> MARKED = Collections.synchronizedMap(new WeakHashMap<>());

    private Parameter() {
    }

    /** Makes {@code tensor} a parameter that requires grad, and returns it. */
    public static Tensor of(Tensor tensor) {
        if (tensor == null) {
            throw new IllegalArgumentException("Parameter.of: tensor is null");
        }
        if (!tensor.isFloat()) {
            throw new IllegalArgumentException("Parameter.of: a parameter must be a float32 tensor, got int32 of shape "
                    + Arrays.toString(tensor.shape()));
        }
        if (!tensor.isLeaf()) {
            throw new IllegalArgumentException("Parameter.of: a parameter must be a leaf tensor; "
                    + "pass the result of an op through detach() first");
        }
        tensor.requiresGrad(true);
        MARKED.put(tensor, Boolean.TRUE);
        return tensor;
    }

    /** Whether {@code tensor} was made a parameter by {@link #of}. */
    public static boolean isParameter(Tensor tensor) {
        return tensor != null && MARKED.containsKey(tensor);
    }
}
