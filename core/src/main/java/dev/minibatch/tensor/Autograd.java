package dev.minibatch.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The reverse-mode engine. It knows nothing about particular ops: each op records its inputs and a
 * {@link Backward} closure on its output; {@link #backward} orders the graph topologically and runs the
 * closures in reverse, then releases the graph so that a training loop runs in constant memory.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {
    }

    /** Pushes the gradient of an op's output to its inputs, by calling {@link Tensor#accumulateGrad}. */
    @FunctionalInterface
    public interface Backward {
        void apply(float[] gradOutput);
    }

    /** A scope in which no op is recorded, like {@code with torch.no_grad():}. Per thread. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {
            NO_GRAD_DEPTH.get()[0]++;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    public static NoGrad noGrad() {
        return new NoGrad();
    }

    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /** Whether an op on these inputs must be recorded. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!isGradEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records {@code out} as computed from {@code inputs}, when any of them requires grad and grad mode is
     * on; this is how ops in any package (a fused loss, say) become differentiable. Returns {@code out}.
     */
    public static Tensor record(Tensor out, Backward backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            out.setGradFn(inputs, backward);
        }
        return out;
    }

    static void backward(Tensor root, float[] seed) {
        List<Tensor> order = topologicalOrder(root);
        root.accumulateGrad(seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            if (t.isLeaf()) {
                continue;
            }
            float[] g = t.takeNodeGrad();
            Autograd.Backward fn = t.releaseGradFn();
            if (g != null) {
                fn.apply(g);
                GradBuffers.give(g);
            }
        }
    }

    /** Iterative depth-first post-order, so that long chains do not overflow the stack. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            Tensor[] parents = t.parents();
            int next = (Integer) frame[1];
            if (parents != null && next < parents.length) {
                frame[1] = next + 1;
                Tensor p = parents[next];
                if (p != null && p.requiresGrad() && seen.put(p, Boolean.TRUE) == null) {
                    if (p.isReleased()) {
                        throw new IllegalStateException("backward: trying to backward through the graph a second "
                                + "time; the graph is released after backward() to keep memory constant");
                    }
                    stack.push(new Object[] {p, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
