package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamTest {
    /**
     * Large gradients then small ones, so that the second moment falls (fast with β₂ = 0.5) and AMSGrad's
     * maximum matters.
     */
    private static final float[][] GRADS = {{2f, -1f, 0.5f}, {1f, -0.5f, 0.25f}, {0.1f, 0.05f, -0.02f},
            {0.05f, -0.01f, 0.01f}};
    private static final float[] START = {0.5f, -0.3f, 1.2f};

    /** PyTorch's Adam and AdamW update, written out in double. */
    private static double[] reference(boolean decoupled, double lr, double wd, double b2, boolean amsgrad) {
        double b1 = 0.9;
        double eps = 1e-8;
        double[] theta = new double[START.length];
        for (int j = 0; j < theta.length; j++) {
            theta[j] = START[j];
        }
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        double[] vMax = new double[theta.length];
        for (int t = 1; t <= GRADS.length; t++) {
            for (int j = 0; j < theta.length; j++) {
                double g = GRADS[t - 1][j];
                if (decoupled) {
                    theta[j] *= 1 - lr * wd;
                } else {
                    g += wd * theta[j];
                }
                m[j] = b1 * m[j] + (1 - b1) * g;
                v[j] = b2 * v[j] + (1 - b2) * g * g;
                vMax[j] = Math.max(vMax[j], v[j]);
                double vHat = amsgrad ? vMax[j] : v[j];
                double denom = Math.sqrt(vHat) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                theta[j] -= lr / (1 - Math.pow(b1, t)) * m[j] / denom;
            }
        }
        return theta;
    }

    private static float[] run(Adam.Builder<? extends Adam> builder, Tensor p) {
        Adam adam = builder.build();
        for (float[] g : GRADS) {
            p.setGrad(Tensor.of(g));
            adam.step();
        }
        return p.toFloatArray();
    }

    private static void assertMatches(double[] expected, float[] actual) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-6 + 1e-5 * Math.abs(expected[j]), "element " + j);
        }
    }

    @Test
    void amsgradNormalisesByTheLargestSecondMoment() {
        Tensor p = Tensor.of(START).requiresGrad(true);
        float[] ams = run(Adam.builder(List.of(p)).lr(0.1f).betas(0.9f, 0.5f).amsgrad(true), p);
        assertMatches(reference(false, 0.1, 0, 0.5, true), ams);
        double[] plain = reference(false, 0.1, 0, 0.5, false);
        assertTrue(Math.abs(plain[0] - ams[0]) > 1e-3, "the maximum changed the result: " + plain[0] + " vs " + ams[0]);
    }

    @Test
    void adamAddsWeightDecayToTheGradient() {
        Tensor p = Tensor.of(START).requiresGrad(true);
        assertMatches(reference(false, 0.01, 0.1, 0.999, false),
                run(Adam.builder(List.of(p)).lr(0.01f).weightDecay(0.1f), p));
    }

    @Test
    void adamwDecaysTheParametersDirectly() {
        Tensor p = Tensor.of(START).requiresGrad(true);
        assertMatches(reference(true, 0.01, 0.1, 0.999, true),
                run(AdamW.builder(List.of(p)).lr(0.01f).weightDecay(0.1f).amsgrad(true), p));
    }

    @Test
    void defaultsArePyTorchs() {
        Map<String, Tensor> adam = Adam.builder(List.of(Tensor.zeros(1).requiresGrad(true))).build().stateDict();
        assertEquals(1e-3f, adam.get("param_groups.0.lr").item());
        assertArrayEquals(new float[] {0.9f, 0.999f}, adam.get("param_groups.0.betas").toFloatArray());
        assertEquals(1e-8f, adam.get("param_groups.0.eps").item());
        assertEquals(0f, adam.get("param_groups.0.weight_decay").item());
        assertEquals(0f, adam.get("param_groups.0.amsgrad").item());
        AdamW adamw = AdamW.builder(List.of(Tensor.zeros(1).requiresGrad(true))).build();
        assertEquals(1e-2f, adamw.stateDict().get("param_groups.0.weight_decay").item());
        assertEquals(1e-3f, adamw.lr());
    }

    @Test
    void onlyParametersWithGradientsMoveAndGetState() {
        Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}).requiresGrad(true);
        AdamW adamw = AdamW.builder(List.of(a, b)).build();
        b.setGrad(Tensor.of(new float[] {1, -1}));
        adamw.step();
        assertArrayEquals(new float[] {1, 2}, a.toFloatArray(), "no gradient: not even weight decay applies");
        assertFalse(adamw.stateDict().containsKey("state.0.step"));
        assertEquals(1f, adamw.stateDict().get("state.1.step").item());
        assertArrayEquals(new int[0], adamw.stateDict().get("state.1.step").shape());
    }

    private static void assertRefused(String message, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertEquals(message, e.getMessage());
    }

    @Test
    void refusesImpossibleSettings() {
        List<Tensor> ps = List.of(Tensor.zeros(2).requiresGrad(true));
        assertRefused("Adam: invalid learning rate -0.001 (must be >= 0)", () -> Adam.builder(ps).lr(-1e-3f).build());
        assertRefused("Adam: invalid beta parameter at index 0: 1.0 (must be in [0, 1))",
                () -> Adam.builder(ps).betas(1f, 0.999f).build());
        assertRefused("AdamW: invalid beta parameter at index 1: -0.5 (must be in [0, 1))",
                () -> AdamW.builder(ps).betas(0.9f, -0.5f).build());
        assertRefused("Adam: invalid eps -1.0E-8 (must be >= 0)", () -> Adam.builder(ps).eps(-1e-8f).build());
        assertRefused("AdamW: invalid weight_decay -0.01 (must be >= 0)",
                () -> AdamW.builder(ps).weightDecay(-0.01f).build());
    }
}
