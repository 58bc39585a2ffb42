package dev.minibatch.tensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM without the Vector API module runs every op on the plain kernels: no class that needs the module is
 * loaded on the way (a constant read from one would throw {@code NoClassDefFoundError}). The child runs a
 * fused convolution, ReLU and pooling (Winograd's) and a classifier big enough for its products to run one per
 * thread, forward and backward, and prints its kernels and a sum of its results; the parent runs the same and
 * compares, within the kernels' rounding.
 */
class PlainJvmTest {
    @Test
    void aStepRunsWithoutTheVectorModule() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:-UsePerfData", "-cp",
                System.getProperty("java.class.path"), PlainJvmTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, child.exitValue(), out);
        List<String> lines = out.lines().filter(l -> !l.startsWith("Minibatch: running on the plain")).toList();
        assertEquals("plain", lines.get(0), out);
        double childSum = Double.parseDouble(lines.get(1));
        double sum = step();
        assertEquals(sum, childSum, 1e-4 * Math.abs(sum), out);
    }

    /** The step's output and gradients, summed. */
    private static double step() {
        Generator gen = new Generator(5);
        Tensor x = Tensor.randn(gen, 64, 8, 14, 14).requiresGrad(true);
        Tensor w = Tensor.randn(gen, 16, 8, 5, 5).mul(0.1f).requiresGrad(true);
        Tensor b = Tensor.randn(gen, 16).requiresGrad(true);
        Tensor fc = Tensor.randn(gen, 10, 784).mul(0.05f).requiresGrad(true);
        int[] one = {1, 1};
        Tensor h = Fused.conv2dReluMaxPool2x2(x, w, b, one, new int[] {2, 2}, one, 1).reshape(64, 784);
        Tensor y = Tensor.linear(h, fc, null);
        y.mul(y).sum().backward();
        double sum = 0;
        for (Tensor t : new Tensor[] {y, x.grad(), w.grad(), b.grad(), fc.grad()}) {
            for (float v : t.toFloatArray()) {
                sum += Math.abs(v);
            }
        }
        return sum;
    }

    /** The child: its kernels' name, then the step's sum. */
    public static void main(String[] args) {
        System.out.println(Minibatch.kernels());
        System.out.println(step());
    }
}
