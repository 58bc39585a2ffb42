package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParamGroupTest {
    private static final float[][] GRADS_A = {{0.5f, -1f}, {0.25f, 2f}, {-0.75f, 0.5f}};
    private static final float[][] GRADS_B = {{1f}, {-0.5f}, {0.25f}};

    private static Tensor param(float... values) {
        return Tensor.of(values).requiresGrad(true);
    }

    /** Three steps with the fixed gradients above; returns both parameters' values. */
    private static float[][] run(Function<List<List<Tensor>>, Optimizer> build) {
        Tensor a = param(1, -1);
        Tensor b = param(2);
        Optimizer opt = build.apply(List.of(List.of(a), List.of(b)));
        for (int t = 0; t < 3; t++) {
            a.setGrad(Tensor.of(GRADS_A[t]));
            b.setGrad(Tensor.of(GRADS_B[t]));
            opt.step();
        }
        return new float[][] {a.toFloatArray(), b.toFloatArray()};
    }

    /** PyTorch's SGD update (weight decay, then momentum without dampening), in double. */
    private static double[] sgd(double[] theta, float[][] grads, double lr, double mu, double wd) {
        double[] buf = new double[theta.length];
        for (int t = 0; t < grads.length; t++) {
            for (int j = 0; j < theta.length; j++) {
                double d = grads[t][j] + wd * theta[j];
                buf[j] = t == 0 ? d : mu * buf[j] + d;
                theta[j] -= lr * buf[j];
            }
        }
        return theta;
    }

    /** PyTorch's Adam update without weight decay, in double. */
    private static double[] adam(double[] theta, float[][] grads, double lr, double b1, double b2) {
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        for (int t = 1; t <= grads.length; t++) {
            for (int j = 0; j < theta.length; j++) {
                double g = grads[t - 1][j];
                m[j] = b1 * m[j] + (1 - b1) * g;
                v[j] = b2 * v[j] + (1 - b2) * g * g;
                double denom = Math.sqrt(v[j]) / Math.sqrt(1 - Math.pow(b2, t)) + 1e-8;
                theta[j] -= lr / (1 - Math.pow(b1, t)) * m[j] / denom;
            }
        }
        return theta;
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-6 + 1e-5 * Math.abs(expected[j]), "element " + j);
        }
    }

    @Test
    void eachSgdGroupStepsWithItsOwnSettings() {
        float[][] got = run(ps -> SGD.builder(ps.get(0))
                .group(ps.get(1), g -> g.lr(0.01f).momentum(0.5f).weightDecay(0.1f))
                .lr(0.1f).momentum(0.9f).build());
        assertClose(sgd(new double[] {1, -1}, GRADS_A, 0.1, 0.9, 0), got[0]);
        assertClose(sgd(new double[] {2}, GRADS_B, 0.01, 0.5, 0.1), got[1]);
    }

    @Test
    void eachAdamGroupStepsWithItsOwnSettings() {
        float[][] got = run(ps -> Adam.builder()
                .group(ps.get(0))
                .group(ps.get(1), g -> g.lr(0.05f).betas(0.5f, 0.9f))
                .lr(0.01f).build());
        assertClose(adam(new double[] {1, -1}, GRADS_A, 0.01, 0.9, 0.999), got[0]);
        assertClose(adam(new double[] {2}, GRADS_B, 0.05, 0.5, 0.9), got[1]);
    }

    @Test
    void twoGroupsWithEqualSettingsStepExactlyAsOne() {
        assertArrayEquals(
                run(ps -> SGD.builder(List.of(ps.get(0).get(0), ps.get(1).get(0))).lr(0.1f).momentum(0.9f)
                        .weightDecay(0.01f).build()),
                run(ps -> SGD.builder(ps.get(0)).group(ps.get(1)).lr(0.1f).momentum(0.9f).weightDecay(0.01f).build()));
        assertArrayEquals(
                run(ps -> AdamW.builder(List.of(ps.get(0).get(0), ps.get(1).get(0))).amsgrad(true).build()),
                run(ps -> AdamW.builder(ps.get(0)).group(ps.get(1)).amsgrad(true).build()));
    }

    @Test
    void addedGroupTakesTheDefaultsItDoesNotOverride() {
        Tensor a = param(1);
        SGD sgd = SGD.builder(List.of(a)).lr(0.1f).momentum(0.9f).build();
        ParamGroup head = sgd.addParamGroup(List.of(param(2)), Map.of("lr", new float[] {0.01f}));
        assertEquals(2, sgd.paramGroups().size());
        assertEquals(0.01f, head.lr());
        assertEquals(0.9f, head.get("momentum"));
        assertEquals(0.1f, sgd.lr(), "lr() is group 0's");
        sgd.setLr(0.5f);
        assertEquals(0.5f, head.lr(), "setLr sets every group");
    }

    private static void assertRefused(String message, Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertEquals(message, e.getMessage());
    }

    @Test
    void groupsAreRefusedWhenTheirParametersOrSettingsAreWrong() {
        Tensor a = param(1);
        Tensor b = param(2);
        SGD sgd = SGD.builder(List.of(a)).lr(0.1f).build();
        assertRefused("SGD: parameter 1 of group 1 is already in group 0 (a parameter can be in one group only)",
                () -> sgd.addParamGroup(List.of(b, a)));
        assertRefused("SGD: unknown setting betas (SGD has [lr, momentum, dampening, weight_decay, nesterov])",
                () -> sgd.addParamGroup(List.of(b), Map.of("betas", new float[] {0.9f, 0.99f})));
        assertRefused("SGD: invalid momentum -1.0 (must be >= 0)",
                () -> sgd.addParamGroup(List.of(b), Map.of("momentum", new float[] {-1})));
        assertEquals(1, sgd.paramGroups().size(), "nothing added");
        assertRefused("SGD: lr is required (SGD has no default learning rate)",
                () -> SGD.builder(List.of(a)).group(List.of(b), g -> g.lr(0.1f)).build());
        assertRefused("Adam: parameter 1 of group 1 appears more than once",
                () -> Adam.builder(List.of(a)).group(List.of(b, b)).build());
    }

    @Test
    void settingsChangeValidatedAndByName() {
        Tensor a = param(1);
        Adam adam = Adam.builder(List.of(a)).build();
        ParamGroup g = adam.paramGroups().get(0);
        g.set("betas", 0.8f, 0.99f);
        assertArrayEquals(new float[] {0.8f, 0.99f}, g.values("betas"));
        assertRefused("Adam: invalid beta parameter at index 0: 1.0 (must be in [0, 1))",
                () -> g.set("betas", 1f, 0.9f));
        assertRefused("Adam: betas takes 2 value(s), got 1", () -> g.set("betas", 0.5f));
        assertRefused("Adam: betas holds 2 values; read it with values(\"betas\")", () -> g.get("betas"));
        assertRefused("Adam: no setting momentum (a group has [lr, betas, eps, weight_decay, amsgrad])",
                () -> g.get("momentum"));
        assertRefused("Adam: invalid learning rate -1.0 (must be >= 0)", () -> g.setLr(-1));
        assertArrayEquals(new float[] {0.8f, 0.99f}, g.values("betas"), "unchanged after a refusal");
        assertEquals(1e-3f, g.lr());

        SGD sgd = SGD.builder(List.of(param(1))).lr(0.1f).momentum(0.9f).nesterov(true).build();
        assertRefused("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum=0.0, "
                + "dampening=0.0", () -> sgd.paramGroups().get(0).set("momentum", 0));
    }
}
