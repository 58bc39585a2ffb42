package dev.minibatch.tensor;

/**
 * The activation functions, each a forward and its derivative on {@link Elementwise#unary}, computed in
 * double and rounded once to float32.
 */
final class Activations {
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    /** The cubic coefficient of GELU's tanh approximation (Hendrycks and Gimpel, 2016). */
    private static final double GELU_CUBIC = 0.044715;

    private Activations() {
    }

    static Tensor tanh(Tensor a) {
        return Elementwise.unary("tanh", a, x -> (float) Math.tanh(x), (g, x, y) -> g * (1 - y * y));
    }

    static Tensor sigmoid(Tensor a) {
        return Elementwise.unary("sigmoid", a, x -> (float) sigmoid(x), (g, x, y) -> g * (1 - y) * y);
    }

    /** {@code x·sigmoid(x)}; its derivative is {@code s·(1 + x·(1 - s))} with s = sigmoid(x). */
    static Tensor silu(Tensor a) {
        return Elementwise.unary("silu", a, x -> (float) (x * sigmoid(x)), (g, x, y) -> {
            double s = sigmoid(x);
            return (float) (g * s * (1 + x * (1 - s)));
        });
    }

    /** The slope applies where {@code x <= 0}, in the forward and the gradient, as in PyTorch. */
    static Tensor leakyRelu(Tensor a, float negativeSlope) {
        return Elementwise.unary("leakyRelu", a, x -> x > 0 ? x : x * negativeSlope,
                (g, x, y) -> x > 0 ? g : g * negativeSlope);
    }

    /** {@code approximate} is PyTorch's: {@code "none"} (the exact erf form) or {@code "tanh"}. */
    static Tensor gelu(Tensor a, String approximate) {
        if ("none".equals(approximate)) {
            return Elementwise.unary("gelu", a, x -> (float) (x * normalCdf(x)),
                    (g, x, y) -> (float) (g * (normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x))));
        }
        if ("tanh".equals(approximate)) {
            return Elementwise.unary("gelu", a, x -> (float) (0.5 * x * (1 + Math.tanh(geluTanhArgument(x)))),
                    (g, x, y) -> {
                        double t = Math.tanh(geluTanhArgument(x));
                        double dArgument = SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * x * x);
                        return (float) (g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dArgument));
                    });
        }
        throw new IllegalArgumentException("gelu: approximate must be 'none' or 'tanh', got "
                + (approximate == null ? "null" : "'" + approximate + "'"));
    }

    /** {@code 1 / (1 + exp(-x))}, taking exp of a non-positive number only, so that it never overflows. */
    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** Φ(x) through erfc: {@code 0.5·(1 + erf(x/√2))} would keep no digits in the left tail. */
    private static double normalCdf(double x) {
        return 0.5 * Erf.erfc(-x * SQRT_HALF);
    }

    private static double geluTanhArgument(double x) {
        return SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
    }
}
