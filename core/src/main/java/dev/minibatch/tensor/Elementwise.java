package dev.minibatch.tensor;

import java.util.Arrays;

/** Elementwise ops, each with its backward beside its forward. Binary ops broadcast. */
final class Elementwise {
    private Elementwise() {
    }

    private interface FloatOp {
        float apply(float a, float b);
    }

    /** A kernel for operands of the same shape: {@code out[i] = a[i] op b[i]}. */
    private interface SameShape {
        void apply(float[] a, float[] b, float[] out, int n);
    }

    private static Tensor binary(String name, Tensor a, Tensor b, FloatOp op) {
        return binary(name, a, b, op, null);
    }

    /**
     * Computes {@code op} at the broadcast shape; fast paths for equal shapes (through {@code kernel} when
     * there is one), scalars and row vectors.
     */
    private static Tensor binary(String name, Tensor a, Tensor b, FloatOp op, SameShape kernel) {
        float[] x = a.requireFloat(name);
        float[] y = b.requireFloat(name);
        int[] sa = a.shapeRef();
        int[] sb = b.shapeRef();
        int[] so = Shapes.broadcast(name, sa, sb);
        float[] out = new float[Shapes.numel(so)];
        if (Arrays.equals(sa, so) && Arrays.equals(sb, so)) {
            if (kernel != null) {
                kernel.apply(x, y, out, out.length);
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] = op.apply(x[i], y[i]);
                }
            }
        } else if (Arrays.equals(sa, so) && y.length == 1) {
            float v = y[0];
            for (int i = 0; i < out.length; i++) {
                out[i] = op.apply(x[i], v);
            }
        } else {
            int[] oa = Broadcast.offsets(sa, so);
            int[] ob = Broadcast.offsets(sb, so);
            for (int i = 0; i < out.length; i++) {
                out[i] = op.apply(x[oa[i]], y[ob[i]]);
            }
        }
        return new Tensor(out, so);
    }

    static Tensor add(Tensor a, Tensor b) {
        int[] sa = a.shapeRef();
        int[] sb = b.shapeRef();
        Tensor out;
        if (sa.length == 2 && sb.length == 1 && sb[0] == sa[1]) {
            // The bias add of a linear layer: the hot case gets its own kernel.
            float[] o = new float[a.numel()];
            Kernels.get().addRowVector(a.requireFloat("add"), b.requireFloat("add"), o, sa[0], sa[1]);
            out = new Tensor(o, sa.clone());
        } else {
            out = binary("add", a, b, Float::sum, Kernels.get()::add);
        }
        int[] so = out.shapeRef();
        return Autograd.record(out, g -> {
            a.accumulateGrad(Broadcast.sumTo(g, so, sa));
            b.accumulateGrad(Broadcast.sumTo(g, so, sb));
        }, a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary("sub", a, b, (x, y) -> x - y);
        int[] so = out.shapeRef();
        return Autograd.record(out, g -> {
            a.accumulateGrad(Broadcast.sumTo(g, so, a.shapeRef()));
            if (b.requiresGrad()) {
                float[] gb = Broadcast.sumTo(g, so, b.shapeRef()).clone();
                for (int i = 0; i < gb.length; i++) {
                    gb[i] = -gb[i];
                }
                b.accumulateGrad(gb);
            }
        }, a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary("mul", a, b, (x, y) -> x * y, Kernels.get()::mul);
        int[] so = out.shapeRef();
        return Autograd.record(out, g -> {
            if (a.requiresGrad()) {
                float[] ga = new float[g.length];
                Kernels.get().mul(g, Broadcast.expand(b.storage(), b.shapeRef(), so), ga, g.length);
                a.accumulateGrad(Broadcast.sumTo(ga, so, a.shapeRef()));
            }
            if (b.requiresGrad()) {
                float[] gb = new float[g.length];
                Kernels.get().mul(g, Broadcast.expand(a.storage(), a.shapeRef(), so), gb, g.length);
                b.accumulateGrad(Broadcast.sumTo(gb, so, b.shapeRef()));
            }
        }, a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary("div", a, b, (x, y) -> x / y);
        int[] so = out.shapeRef();
        return Autograd.record(out, g -> {
            float[] bb = Broadcast.expand(b.storage(), b.shapeRef(), so);
            if (a.requiresGrad()) {
                float[] ga = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    ga[i] = g[i] / bb[i];
                }
                a.accumulateGrad(Broadcast.sumTo(ga, so, a.shapeRef()));
            }
            if (b.requiresGrad()) {
                float[] aa = Broadcast.expand(a.storage(), a.shapeRef(), so);
                float[] gb = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    gb[i] = -g[i] * aa[i] / (bb[i] * bb[i]);
                }
                b.accumulateGrad(Broadcast.sumTo(gb, so, b.shapeRef()));
            }
        }, a, b);
    }

    /** Comparisons give 0/1 floats; they accept int32 and float32 operands and have no gradient. */
    static Tensor compare(String name, Tensor a, Tensor b) {
        Tensor fa = a.isFloat() ? a : a.toFloat();
        Tensor fb = b.isFloat() ? b : b.toFloat();
        FloatOp op = switch (name) {
            case "eq" -> (x, y) -> x == y ? 1f : 0f;
            case "gt" -> (x, y) -> x > y ? 1f : 0f;
            case "lt" -> (x, y) -> x < y ? 1f : 0f;
            case "ge" -> (x, y) -> x >= y ? 1f : 0f;
            case "le" -> (x, y) -> x <= y ? 1f : 0f;
            default -> throw new IllegalArgumentException("unknown comparison " + name);
        };
        return binary(name, fa.detach(), fb.detach(), op);
    }

    static Tensor addScalar(Tensor a, float v) {
        float[] x = a.requireFloat("add");
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = x[i] + v;
        }
        return Autograd.record(new Tensor(o, a.shape()), a::accumulateGrad, a);
    }

    static Tensor mulScalar(Tensor a, float v) {
        float[] x = a.requireFloat("mul");
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = x[i] * v;
        }
        return Autograd.record(new Tensor(o, a.shape()), g -> {
            float[] ga = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                ga[i] = g[i] * v;
            }
            a.accumulateGrad(ga);
        }, a);
    }

    /** {@code y = f(x)}, one element. */
    interface Forward {
        float apply(float x);
    }

    /**
     * One element of the input's gradient from the output's gradient {@code g}, the input {@code x} and the
     * output {@code y}: the chain rule's {@code g * f'(x)}, with the derivative written in x or y, whichever
     * is cheaper. It is given {@code g} rather than returning the derivative so that a mask (clamp's) passes
     * exactly 0 where it stops the gradient, even an infinite one, as PyTorch's {@code where} does.
     */
    interface Chain {
        float apply(float g, float x, float y);
    }

    /** An elementwise op: {@code forward} over every element, and {@code chain} over every gradient element. */
    static Tensor unary(String name, Tensor a, Forward forward, Chain chain) {
        float[] x = a.requireFloat(name);
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = forward.apply(x[i]);
        }
        return Autograd.record(new Tensor(y, a.shape()), g -> {
            float[] ga = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                ga[i] = chain.apply(g[i], x[i], y[i]);
            }
            a.accumulateGrad(ga);
        }, a);
    }

    static Tensor exp(Tensor a) {
        return unary("exp", a, x -> (float) Math.exp(x), (g, x, y) -> g * y);
    }

    static Tensor log(Tensor a) {
        return unary("log", a, x -> (float) Math.log(x), (g, x, y) -> g / x);
    }

    static Tensor sqrt(Tensor a) {
        return unary("sqrt", a, x -> (float) Math.sqrt(x), (g, x, y) -> g * 0.5f / y);
    }

    static Tensor erf(Tensor a) {
        return unary("erf", a, x -> (float) Erf.erf(x), (g, x, y) -> g * (float) Erf.derivative(x));
    }

    /** {@code x^0} has a zero gradient everywhere, as in PyTorch, even where {@code p·x^(p-1)} would be NaN. */
    static Tensor pow(Tensor a, float p) {
        return unary("pow", a, x -> (float) Math.pow(x, p),
                (g, x, y) -> p == 0f ? 0f : g * p * (float) Math.pow(x, p - 1));
    }

    /** Not on {@link #unary}: relu is on every MLP's hot path, so both directions run on the vector kernels. */
    static Tensor relu(Tensor a) {
        float[] x = a.requireFloat("relu");
        float[] o = new float[x.length];
        Kernels.get().relu(x, o, x.length);
        return Autograd.record(new Tensor(o, a.shape()), g -> {
            float[] ga = new float[g.length];
            Kernels.get().reluBackward(o, g, ga, 0, g.length);
            a.accumulateGrad(ga);
        }, a);
    }

    /** NaN passes through; the gradient flows where {@code min <= x <= max}, as in PyTorch. */
    static Tensor clamp(Tensor a, float min, float max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
        return unary("clamp", a, x -> Float.isNaN(x) ? x : Math.min(Math.max(x, min), max),
                (g, x, y) -> x >= min && x <= max ? g : 0f);
    }
}
