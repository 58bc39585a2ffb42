package dev.minibatch.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PyTorch's tensor printout: {@code tensor([[-1.9900, -2.2700]])}, one width for all elements, integers
 * shown as {@code 1.}, scientific notation when values span more than three decades, and summarised with
 * {@code ...} past 1000 elements (3 at each edge), as {@code torch/_tensor_str.py} does.
 */
final class TensorFormat {
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final int LINE_WIDTH = 80;
    private static volatile int precision = 4;

    private TensorFormat() {
    }

    static void setPrecision(int p) {
        if (p < 0) {
            throw new IllegalArgumentException("print precision must be non-negative, got " + p);
        }
        precision = p;
    }

    static String format(Tensor t) {
        int[] shape = t.shapeRef();
        float[] v = t.toFloatArray();
        boolean summarize = v.length > THRESHOLD;
        Formatter f = new Formatter(t.isFloat(), shown(v, shape, summarize));
        String prefix = "tensor(";
        StringBuilder sb = new StringBuilder(prefix);
        if (shape.length == 0) {
            sb.append(f.format(v[0]).strip());
        } else {
            body(sb, v, shape, 0, 0, prefix.length() + 1, f, summarize);
        }
        if (t.requiresGrad()) {
            sb.append(", requires_grad=True");
        }
        return sb.append(')').toString();
    }

    /** The values that will be printed: the width and the notation depend only on these. */
    private static float[] shown(float[] v, int[] shape, boolean summarize) {
        if (!summarize || shape.length == 0) {
            return v;
        }
        List<Float> out = new ArrayList<>();
        collect(v, shape, 0, 0, out);
        float[] r = new float[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = out.get(i);
        }
        return r;
    }

    private static void collect(float[] v, int[] shape, int d, int off, List<Float> out) {
        int n = shape[d];
        int stride = Shapes.inner(shape, d);
        for (int i = 0; i < n; i++) {
            if (n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                i = n - EDGE_ITEMS;
            }
            if (d == shape.length - 1) {
                out.add(v[off + i]);
            } else {
                collect(v, shape, d + 1, off + i * stride, out);
            }
        }
    }

    private static void body(StringBuilder sb, float[] v, int[] shape, int d, int off, int indent,
                             Formatter f, boolean summarize) {
        int n = shape[d];
        int stride = Shapes.inner(shape, d);
        sb.append('[');
        boolean last = d == shape.length - 1;
        int perLine = Math.max(1, (LINE_WIDTH - (indent - 1)) / (f.width + 2));
        for (int i = 0; i < n; i++) {
            if (summarize && n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                sb.append(last ? " ..., " : "...," + "\n".repeat(shape.length - d - 1) + " ".repeat(indent));
                i = n - EDGE_ITEMS;
            }
            if (last) {
                if (i > 0 && i % perLine == 0 && !summarize) {
                    sb.setLength(sb.length() - 1);
                    sb.append('\n').append(" ".repeat(indent));
                }
                sb.append(f.format(v[off + i]));
            } else {
                body(sb, v, shape, d + 1, off + i * stride, indent + 1, f, summarize);
            }
            if (i < n - 1) {
                sb.append(last ? ", " : ",\n" + "\n".repeat(Math.max(0, shape.length - d - 2)) + " ".repeat(indent));
            }
        }
        sb.append(']');
    }

    /** Chooses integer, fixed or scientific notation once for the whole tensor, as PyTorch's _Formatter. */
    private static final class Formatter {
        private final boolean floating;
        private final boolean intMode;
        private final boolean sciMode;
        private final int width;

        Formatter(boolean floating, float[] shown) {
            this.floating = floating;
            boolean ints = true;
            double maxAbs = 0;
            double minAbs = Double.MAX_VALUE;
            boolean anyFinite = false;
            for (float x : shown) {
                if (!Float.isFinite(x)) {
                    continue;
                }
                if (x != Math.rint(x)) {
                    ints = false;
                }
                if (x != 0) {
                    anyFinite = true;
                    maxAbs = Math.max(maxAbs, Math.abs(x));
                    minAbs = Math.min(minAbs, Math.abs(x));
                }
            }
            intMode = ints;
            sciMode = floating && anyFinite && (intMode ? maxAbs > 1e8 : maxAbs / minAbs > 1000 || maxAbs > 1e8);
            // As PyTorch: the width comes from the non-zero finite values only (and from every int).
            int w = 1;
            for (float x : shown) {
                if (!floating || (Float.isFinite(x) && x != 0)) {
                    w = Math.max(w, raw(x).length());
                }
            }
            width = w;
        }

        private String raw(float x) {
            if (!floating) {
                return Integer.toString((int) x);
            }
            if (Float.isNaN(x)) {
                return "nan";
            }
            if (Float.isInfinite(x)) {
                return x > 0 ? "inf" : "-inf";
            }
            if (sciMode) {
                return String.format(Locale.ROOT, "%." + precision + "e", x).replaceAll("e([+-])(\\d)$", "e$10$2");
            }
            if (intMode) {
                return String.format(Locale.ROOT, "%.0f", x) + ".";
            }
            return String.format(Locale.ROOT, "%." + precision + "f", x);
        }

        String format(float x) {
            String s = raw(x);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }
}
