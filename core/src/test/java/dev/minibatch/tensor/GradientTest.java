package dev.minibatch.tensor;

import dev.minibatch.GradCheck;
import dev.minibatch.nn.Functional;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Every differentiable op, checked against central finite differences, broadcasting included. */
class GradientTest {
    private final Generator gen = new Generator(42);

    private Tensor randn(int... shape) {
        return Tensor.randn(gen, shape);
    }

    /** Values in [lo, hi): keeps log/sqrt/div away from their poles and ReLU/clamp away from their kinks. */
    private Tensor uniform(float lo, float hi, int... shape) {
        return Tensor.rand(gen, shape).mul(hi - lo).add(lo);
    }

    /** Away from 0 by at least 0.1, so that a finite-difference step never crosses ReLU's kink. */
    private Tensor awayFromZero(int... shape) {
        float[] v = randn(shape).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] >= 0 ? v[i] + 0.1f : v[i] - 0.1f;
        }
        return Tensor.of(v, shape);
    }

    /** Distinct values 0.1 apart in random order, so that no step changes which element is the max. */
    private Tensor distinct(int... shape) {
        Tensor perm = Tensor.randperm(gen, Tensor.zeros(shape).numel()).toFloat();
        return perm.mul(0.1f).sub(1f).reshape(shape);
    }

    @Test
    void arithmeticWithBroadcasting() {
        int[][][] pairs = {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 3, 4}, {3, 1}}, {{3, 4}, {}}};
        for (int[][] p : pairs) {
            String shapes = java.util.Arrays.toString(p[0]) + " and " + java.util.Arrays.toString(p[1]);
            GradCheck.check("add " + shapes, t -> t[0].add(t[1]), randn(p[0]), randn(p[1]));
            GradCheck.check("sub " + shapes, t -> t[0].sub(t[1]), randn(p[0]), randn(p[1]));
            GradCheck.check("mul " + shapes, t -> t[0].mul(t[1]), randn(p[0]), randn(p[1]));
            GradCheck.check("div " + shapes, t -> t[0].div(t[1]), randn(p[0]), uniform(1f, 2f, p[1]));
        }
    }

    @Test
    void scalarArithmeticAndUnaryOps() {
        GradCheck.check("add scalar", t -> t[0].add(2.5f), randn(3, 4));
        GradCheck.check("sub scalar", t -> t[0].sub(2.5f), randn(3, 4));
        GradCheck.check("mul scalar", t -> t[0].mul(-1.5f), randn(3, 4));
        GradCheck.check("div scalar", t -> t[0].div(4f), randn(3, 4));
        GradCheck.check("neg", t -> t[0].neg(), randn(3, 4));
        GradCheck.check("exp", t -> t[0].exp(), randn(3, 4));
        GradCheck.check("log", t -> t[0].log(), uniform(0.5f, 3f, 3, 4));
        GradCheck.check("sqrt", t -> t[0].sqrt(), uniform(0.5f, 3f, 3, 4));
        GradCheck.check("pow 3", t -> t[0].pow(3f), randn(3, 4));
        GradCheck.check("pow -0.5", t -> t[0].pow(-0.5f), uniform(0.5f, 3f, 3, 4));
        GradCheck.check("relu", t -> t[0].relu(), awayFromZero(3, 4));
        GradCheck.check("clamp", t -> t[0].clamp(-0.05f, 0.05f), awayFromZero(3, 4));
        GradCheck.check("clamp wide", t -> t[0].clamp(-10f, 10f), randn(3, 4));
    }

    @Test
    void activationsOnBothSidesOfZero() {
        for (int[] shape : new int[][] {{7}, {3, 4}, {2, 3, 2}}) {
            String s = " " + java.util.Arrays.toString(shape);
            GradCheck.check("tanh" + s, t -> t[0].tanh(), uniform(-3f, 3f, shape));
            GradCheck.check("sigmoid" + s, t -> t[0].sigmoid(), uniform(-6f, 6f, shape));
            GradCheck.check("silu" + s, t -> t[0].silu(), uniform(-6f, 6f, shape));
            GradCheck.check("gelu" + s, t -> t[0].gelu(), uniform(-4f, 4f, shape));
            GradCheck.check("gelu tanh" + s, t -> t[0].gelu("tanh"), uniform(-4f, 4f, shape));
            GradCheck.check("leakyRelu" + s, t -> t[0].leakyRelu(), awayFromZero(shape));
            GradCheck.check("leakyRelu 0.3" + s, t -> t[0].leakyRelu(0.3f), awayFromZero(shape));
            GradCheck.check("erf" + s, t -> t[0].erf(), uniform(-2.5f, 2.5f, shape));
        }
    }

    @Test
    void masksStopEvenAnInfiniteGradientAsPyTorchDoes() {
        Tensor x = Tensor.of(new float[] {-2f, -1f, 0.5f, 1f, 3f, Float.NaN}).requiresGrad(true);
        Tensor y = x.clamp(-1f, 1f);
        assertArrayEquals(new float[] {-1f, -1f, 0.5f, 1f, 1f, Float.NaN}, y.toFloatArray(), "NaN passes through");
        y.backward(Tensor.full(Float.POSITIVE_INFINITY, 6));
        float inf = Float.POSITIVE_INFINITY;
        assertArrayEquals(new float[] {0f, inf, inf, inf, 0f, 0f}, x.grad().toFloatArray(),
                "the gradient flows where min <= x <= max, and is exactly 0 elsewhere");

        Tensor z = Tensor.of(new float[] {0f, -1f, 2f}).requiresGrad(true);
        z.pow(0f).backward(Tensor.full(-1f, 3));
        assertArrayEquals(new float[] {0f, 0f, 0f}, z.grad().toFloatArray(), "pow 0: zero gradient, even at x = 0");
    }

    @Test
    void reductionsOverEveryDim() {
        GradCheck.check("sum", t -> t[0].sum(), randn(2, 3, 4));
        GradCheck.check("mean", t -> t[0].mean(), randn(2, 3, 4));
        GradCheck.check("max", t -> t[0].max(), distinct(2, 3, 4));
        GradCheck.check("min", t -> t[0].min(), distinct(2, 3, 4));
        for (int d = -3; d < 3; d++) {
            int dim = d;
            for (boolean keep : new boolean[] {false, true}) {
                String s = " dim " + dim + " keepdim " + keep;
                GradCheck.check("sum" + s, t -> t[0].sum(dim, keep), randn(2, 3, 4));
                GradCheck.check("mean" + s, t -> t[0].mean(dim, keep), randn(2, 3, 4));
                GradCheck.check("max" + s, t -> t[0].max(dim, keep).values(), distinct(2, 3, 4));
                GradCheck.check("min" + s, t -> t[0].min(dim, keep).values(), distinct(2, 3, 4));
                GradCheck.check("logsumexp" + s, t -> t[0].logsumexp(dim, keep), randn(2, 3, 4));
            }
        }
    }

    @Test
    void matrixProducts() {
        GradCheck.check("matmul 2d", t -> t[0].matmul(t[1]), randn(3, 5), randn(5, 4));
        GradCheck.check("matmul 3d", t -> t[0].matmul(t[1]), randn(2, 3, 5), randn(2, 5, 4));
        GradCheck.check("matmul 3d by 2d", t -> t[0].matmul(t[1]), randn(2, 3, 5), randn(5, 4));
        GradCheck.check("linear", t -> Tensor.linear(t[0], t[1], t[2]), randn(4, 5), randn(3, 5), randn(3));
        GradCheck.check("linear without bias", t -> Tensor.linear(t[0], t[1], null), randn(4, 5), randn(3, 5));
    }

    @Test
    void shapeOps() {
        GradCheck.check("t", t -> t[0].t(), randn(3, 4));
        GradCheck.check("transpose", t -> t[0].transpose(0, 2), randn(2, 3, 4));
        GradCheck.check("reshape", t -> t[0].reshape(4, -1), randn(2, 3, 4));
        GradCheck.check("view", t -> t[0].view(-1), randn(2, 3, 4));
        GradCheck.check("squeeze", t -> t[0].squeeze(), randn(2, 1, 4));
        GradCheck.check("squeeze dim", t -> t[0].squeeze(1), randn(2, 1, 4));
        GradCheck.check("unsqueeze", t -> t[0].unsqueeze(-1), randn(2, 4));
        GradCheck.check("flatten", t -> t[0].flatten(1, 2), randn(2, 3, 4));
    }

    @Test
    void indexingOps() {
        GradCheck.check("slice", t -> t[0].slice(1, 1, 3), randn(2, 4, 3));
        GradCheck.check("slice negative", t -> t[0].slice(-1, -2, 10), randn(2, 4, 3));
        GradCheck.check("index rows with repeats", t -> t[0].index(2, 0, 2, 1), randn(3, 4));
        Tensor idx = Tensor.ofInts(new int[] {0, 3, 1, 1, 2, 0}, 3, 2);
        GradCheck.check("gather dim 1", t -> t[0].gather(1, idx), randn(3, 4));
        Tensor rows = Tensor.ofInts(new int[] {0, 2, 2, 1}, 4);
        Tensor cols = Tensor.ofInts(new int[] {3, 0, 0, 1}, 4);
        GradCheck.check("index pairs with repeats", t -> t[0].index(rows, cols), randn(3, 4));
        GradCheck.check("index pairs rank 3", t -> t[0].index(rows, cols), randn(3, 4, 2));
        Tensor idx0 = Tensor.ofInts(new int[] {2, 0, 1, 1}, 1, 4);
        GradCheck.check("gather dim 0", t -> t[0].gather(0, idx0), randn(3, 4));
        GradCheck.check("cat", t -> Tensor.cat(List.of(t[0], t[1]), 1), randn(2, 3), randn(2, 2));
        GradCheck.check("stack", t -> Tensor.stack(List.of(t[0], t[1]), 1), randn(2, 3), randn(2, 3));
    }

    @Test
    void lossFunctions() {
        Tensor target = Tensor.ofInts(new int[] {3, 0, 2, 3, 1});
        for (int dim : new int[] {0, 1, -1}) {
            GradCheck.check("softmax dim " + dim, t -> Functional.softmax(t[0], dim), randn(5, 4));
            GradCheck.check("logSoftmax dim " + dim, t -> Functional.logSoftmax(t[0], dim), randn(5, 4));
        }
        GradCheck.check("softmax 3d", t -> Functional.softmax(t[0], 1), randn(2, 3, 4));
        GradCheck.check("softmax method 3d dim 2", t -> t[0].softmax(2), randn(2, 3, 4));
        GradCheck.check("logSoftmax method 3d dim 0", t -> t[0].logSoftmax(0), randn(2, 3, 4));
        GradCheck.check("nllLoss", t -> Functional.nllLoss(Functional.logSoftmax(t[0], 1), target), randn(5, 4));
        GradCheck.check("crossEntropy", t -> Functional.crossEntropy(t[0], target), randn(5, 4));
    }

    @Test
    void productsWriteIntoGradientsThatAlreadyHoldAPath() {
        // Products write their gradients straight into the gradient's storage: overwriting it for the first
        // path, adding for the next. h (not a leaf) and w each get two paths here; w is also a shared B.
        GradCheck.check("linear twice, same input and weight",
                t -> {
                    Tensor h = t[0].mul(2f);
                    return Fused.linearRelu(h, t[1], t[2]).add(Tensor.linear(h, t[1], null));
                }, randn(4, 5), randn(3, 5), randn(3));
        GradCheck.check("matmul reusing both operands",
                t -> t[0].matmul(t[1]).add(t[0].matmul(t[1].mul(t[1]))), randn(2, 3, 5), randn(5, 5));
    }

    @Test
    void chainedGraphReusingATensor() {
        // x is used three times: its gradient must sum all three paths.
        GradCheck.check("x*x + exp(x)", t -> t[0].mul(t[0]).add(t[0].exp()).mul(t[1]), randn(3, 4), randn(4));
    }
}
