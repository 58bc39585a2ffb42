package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SGDTest {
    private static Tensor param(float... values) {
        return Tensor.of(values).requiresGrad(true);
    }

    private static void assertRefused(String message, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertEquals(message, e.getMessage());
    }

    @Test
    void refusesImpossibleSettings() {
        List<Tensor> ps = List.of(param(1, 2));
        assertRefused("SGD: lr is required (SGD has no default learning rate)", () -> SGD.builder(ps).build());
        assertRefused("SGD: invalid learning rate -0.1 (must be >= 0)", () -> SGD.builder(ps).lr(-0.1f).build());
        assertRefused("SGD: invalid learning rate NaN (must be >= 0)", () -> SGD.builder(ps).lr(Float.NaN).build());
        assertRefused("SGD: invalid momentum -0.5 (must be >= 0)",
                () -> SGD.builder(ps).lr(0.1f).momentum(-0.5f).build());
        assertRefused("SGD: invalid weight_decay -1.0E-4 (must be >= 0)",
                () -> SGD.builder(ps).lr(0.1f).weightDecay(-1e-4f).build());
        assertRefused("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum=0.0, "
                + "dampening=0.0", () -> SGD.builder(ps).lr(0.1f).nesterov(true).build());
        assertRefused("SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum=0.9, "
                + "dampening=0.1",
                () -> SGD.builder(ps).lr(0.1f).momentum(0.9f).dampening(0.1f).nesterov(true).build());
        assertRefused("SGD: optimizer got an empty parameter list", () -> SGD.builder(List.of()).lr(0.1f).build());
        Tensor p = param(1);
        assertRefused("SGD: parameter 1 appears more than once", () -> SGD.builder(List.of(p, p)).lr(0.1f).build());
        assertRefused("SGD: parameter 0 must be a float32 leaf tensor",
                () -> SGD.builder(List.of(Tensor.ofInts(new int[] {1}, 1))).lr(0.1f).build());
        assertRefused("SGD: parameter 0 must be a float32 leaf tensor",
                () -> SGD.builder(List.of(p.mul(2f))).lr(0.1f).build());
    }

    @Test
    void plainStepIsParameterMinusLrTimesGradient() {
        Tensor p = param(1, -2, 3);
        SGD sgd = SGD.builder(List.of(p)).lr(0.5f).build();
        p.setGrad(Tensor.of(new float[] {0.2f, 0.4f, -1f}));
        sgd.step();
        assertArrayEquals(new float[] {1 - 0.5f * 0.2f, -2 - 0.5f * 0.4f, 3 + 0.5f}, p.toFloatArray());
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        Tensor a = param(1, 2);
        Tensor b = param(3, 4);
        SGD sgd = SGD.builder(List.of(a, b)).lr(0.1f).momentum(0.9f).build();
        a.setGrad(Tensor.of(new float[] {1, 1}));
        sgd.step();
        assertArrayEquals(new float[] {3, 4}, b.toFloatArray());
        assertTrue(sgd.stateDict().containsKey("state.0.momentum_buffer"));
        assertTrue(!sgd.stateDict().containsKey("state.1.momentum_buffer"), "no state for a parameter never updated");
    }

    /** PyTorch's formula with every setting in play, computed by hand in double. */
    @Test
    void momentumDampeningAndWeightDecayFollowTheFormula() {
        float[][] grads = {{0.5f, -1f}, {0.25f, 2f}, {-0.75f, 0.5f}};
        double lr = 0.1;
        double mu = 0.8;
        double tau = 0.3;
        double wd = 0.05;
        double[] theta = {1, -1};
        double[] buf = new double[2];
        Tensor p = param(1, -1);
        SGD sgd = SGD.builder(List.of(p)).lr(0.1f).momentum(0.8f).dampening(0.3f).weightDecay(0.05f).build();
        for (int t = 0; t < grads.length; t++) {
            for (int j = 0; j < 2; j++) {
                double d = grads[t][j] + wd * theta[j];
                buf[j] = t == 0 ? d : mu * buf[j] + (1 - tau) * d;
                theta[j] -= lr * buf[j];
            }
            p.setGrad(Tensor.of(grads[t]));
            sgd.step();
        }
        assertArrayEquals(new float[] {(float) theta[0], (float) theta[1]}, p.toFloatArray(), 1e-6f);
    }

    @Test
    void nesterovLooksAheadAlongTheMomentum() {
        float[][] grads = {{1f}, {0.5f}, {-0.25f}};
        double theta = 2;
        double buf = 0;
        Tensor p = param(2);
        SGD sgd = SGD.builder(List.of(p)).lr(0.1f).momentum(0.9f).nesterov(true).build();
        for (int t = 0; t < grads.length; t++) {
            double g = grads[t][0];
            buf = t == 0 ? g : 0.9 * buf + g;
            theta -= 0.1 * (g + 0.9 * buf);
            p.setGrad(Tensor.of(grads[t]));
            sgd.step();
        }
        assertEquals(theta, p.get(0), 1e-6);
    }

    @Test
    void zeroGradDropsGradients() {
        Tensor p = param(1);
        SGD sgd = SGD.builder(List.of(p)).lr(0.1f).build();
        p.setGrad(Tensor.of(new float[] {1}));
        sgd.zeroGrad();
        assertNull(p.grad());
    }
}
