package dev.minibatch.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.GradCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conv2d against PyTorch's values, finite differences in every setting, and its refusals. */
class ConvolutionTest {
    private final Generator gen = new Generator(7);
    private final int threadsBefore = Minibatch.getNumThreads();

    @AfterEach
    void restoreThreads() {
        Minibatch.setNumThreads(threadsBefore);
    }

    private static int[] one(int v) {
        return new int[] {v};
    }

    private static Tensor conv(Tensor x, Tensor w, Tensor b, int stride, int padding, int dilation, int groups) {
        return Tensor.conv2d(x, w, b, one(stride), one(padding), one(dilation), groups);
    }

    @Test
    void matchesPyTorchOutputAndGradientsInFiveSettings() {
        JsonNode ref = Fixtures.torchCnn().get("conv2d");
        for (JsonNode c : ref.get("cases")) {
            String name = "stride " + c.get("stride") + " padding " + c.get("padding") + " dilation " + c.get("dilation");
            Tensor x = Fixtures.tensor(ref.get("x")).requiresGrad(true);
            Tensor w = Fixtures.tensor(ref.get("weight")).requiresGrad(true);
            Tensor b = Fixtures.tensor(ref.get("bias")).requiresGrad(true);
            Tensor out = conv(x, w, b, c.get("stride").asInt(), c.get("padding").asInt(), c.get("dilation").asInt(), 1);
            Fixtures.assertClose(Fixtures.tensor(c.get("out")), out, 1e-5, 1e-5, name + ": out");
            out.mul(Fixtures.tensor(c.get("r"))).sum().backward();
            JsonNode grads = c.get("grads");
            Fixtures.assertClose(Fixtures.tensor(grads.get(0)), x.grad(), 1e-5, 1e-5, name + ": dx");
            Fixtures.assertClose(Fixtures.tensor(grads.get(1)), w.grad(), 1e-5, 1e-5, name + ": dweight");
            Fixtures.assertClose(Fixtures.tensor(grads.get(2)), b.grad(), 1e-5, 1e-5, name + ": dbias");
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesInEverySetting() {
        int[][] settings = {{1, 0, 1}, {1, 1, 1}, {2, 1, 1}, {2, 0, 1}, {1, 2, 2}, {3, 1, 2}};
        for (int[] s : settings) {
            String name = "conv2d stride " + s[0] + " padding " + s[1] + " dilation " + s[2];
            GradCheck.check(name, t -> conv(t[0], t[1], t[2], s[0], s[1], s[2], 1),
                    Tensor.randn(gen, 2, 3, 7, 6), Tensor.randn(gen, 4, 3, 3, 3), Tensor.randn(gen, 4));
        }
        GradCheck.check("conv2d groups 2", t -> conv(t[0], t[1], t[2], 1, 1, 1, 2),
                Tensor.randn(gen, 2, 4, 5, 5), Tensor.randn(gen, 6, 2, 3, 3), Tensor.randn(gen, 6));
        GradCheck.check("conv2d without bias", t -> conv(t[0], t[1], null, 1, 0, 1, 1),
                Tensor.randn(gen, 2, 2, 5, 5), Tensor.randn(gen, 3, 2, 2, 2));
        // Eight input channels per group and more: the input gradient as a convolution of the output gradient.
        GradCheck.check("conv2d 8 channels, padding 1", t -> conv(t[0], t[1], t[2], 1, 1, 1, 1),
                Tensor.randn(gen, 1, 8, 4, 5), Tensor.randn(gen, 2, 8, 3, 3), Tensor.randn(gen, 2));
        GradCheck.check("conv2d 16 channels in 2 groups, dilation 2", t -> conv(t[0], t[1], t[2], 1, 2, 2, 2),
                Tensor.randn(gen, 1, 16, 5, 4), Tensor.randn(gen, 4, 8, 2, 2), Tensor.randn(gen, 4));
        // Stride 1 with a padding past the kernel's reach: some outputs see only padding.
        GradCheck.check("conv2d 2x2 kernel, padding 2", t -> conv(t[0], t[1], t[2], 1, 2, 1, 1),
                Tensor.randn(gen, 2, 2, 4, 5), Tensor.randn(gen, 3, 2, 2, 2), Tensor.randn(gen, 3));
        GradCheck.check("conv2d 2x3 kernel, stride (2, 1), padding (0, 2), dilation (1, 2)",
                t -> Tensor.conv2d(t[0], t[1], t[2], new int[] {2, 1}, new int[] {0, 2}, new int[] {1, 2}, 1),
                Tensor.randn(gen, 1, 2, 6, 7), Tensor.randn(gen, 3, 2, 2, 3), Tensor.randn(gen, 3));
    }

    @Test
    void groupsConvolveTheirOwnChannelsOnly() {
        Tensor x = Tensor.randn(gen, 2, 4, 6, 6);
        Tensor w = Tensor.randn(gen, 6, 2, 3, 3);
        Tensor b = Tensor.randn(gen, 6);
        Tensor grouped = conv(x, w, b, 1, 1, 1, 2);
        Tensor first = conv(x.slice(1, 0, 2), w.slice(0, 0, 3), b.slice(0, 0, 3), 1, 1, 1, 1);
        Tensor second = conv(x.slice(1, 2, 4), w.slice(0, 3, 6), b.slice(0, 3, 6), 1, 1, 1, 1);
        Fixtures.assertClose(Tensor.cat(List.of(first, second), 1), grouped, 1e-6, 1e-6, "groups");
    }

    @Test
    void outputSizeFollowsPyTorchsFloorRule() {
        Tensor x = Tensor.zeros(1, 1, 10, 9);
        // floor((10 + 2 - 2·2 - 1) / 3) + 1 = 3 and floor((9 + 2 - 2·2 - 1) / 3) + 1 = 3
        assertArrayEquals(new int[] {1, 2, 3, 3}, conv(x, Tensor.zeros(2, 1, 3, 3), null, 3, 1, 2, 1).shape());
        assertArrayEquals(new int[] {1, 2, 8, 7}, conv(x, Tensor.zeros(2, 1, 3, 3), null, 1, 0, 1, 1).shape());
    }

    @Test
    void resultsAreTheSameBitsForAnyThreadCount() {
        // Large enough for the products to split over threads.
        Tensor x = Tensor.randn(gen, 8, 8, 28, 28);
        Tensor w = Tensor.randn(gen, 16, 8, 3, 3);
        Tensor b = Tensor.randn(gen, 16);
        Tensor r = Tensor.randn(gen, 8, 16, 28, 28);
        float[][] one = convWithGrads(1, x, w, b, r);
        float[][] two = convWithGrads(2, x, w, b, r);
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], two[i], "result " + i);
        }
    }

    private static float[][] convWithGrads(int threads, Tensor x0, Tensor w0, Tensor b0, Tensor r) {
        Minibatch.setNumThreads(threads);
        Tensor x = x0.detach().requiresGrad(true);
        Tensor w = w0.detach().requiresGrad(true);
        Tensor b = b0.detach().requiresGrad(true);
        Tensor out = conv(x, w, b, 1, 1, 1, 1);
        out.mul(r).sum().backward();
        return new float[][] {out.toFloatArray(), x.grad().toFloatArray(), w.grad().toFloatArray(),
            b.grad().toFloatArray()};
    }

    @Test
    void badShapesAndSettingsAreRefusedWithTheValues() {
        Tensor w = Tensor.zeros(8, 1, 3, 3);
        var flat = assertThrows(IllegalArgumentException.class, () -> conv(Tensor.zeros(50, 784), w, null, 1, 0, 1, 1));
        assertEquals("conv2d: input of shape [50, 784] does not fit a weight of shape [8, 1, 3, 3] with groups=1 "
                + "(expected [N, 1, H, W])", flat.getMessage());
        var big = assertThrows(IllegalArgumentException.class,
                () -> conv(Tensor.zeros(1, 1, 2, 2), w, null, 1, 0, 1, 1));
        assertTrue(big.getMessage().contains("larger than the padded input (2 x 2)"), big.getMessage());
        var stride = assertThrows(IllegalArgumentException.class,
                () -> conv(Tensor.zeros(1, 1, 5, 5), w, null, 0, 0, 1, 1));
        assertEquals("conv2d: stride must be at least 1, got (0, 0)", stride.getMessage());
        var groups = assertThrows(IllegalArgumentException.class,
                () -> conv(Tensor.zeros(1, 2, 5, 5), w, null, 1, 0, 1, 3));
        assertTrue(groups.getMessage().contains("groups must be a positive divisor of out_channels=8, got 3"));
        var bias = assertThrows(IllegalArgumentException.class,
                () -> conv(Tensor.zeros(1, 1, 5, 5), w, Tensor.zeros(7), 1, 0, 1, 1));
        assertTrue(bias.getMessage().contains("bias of shape [7]"), bias.getMessage());
    }

    @Test
    void flatImagesReshapeToImageBatchesAndBack() {
        Tensor flat = Tensor.randn(gen, 5, 784).requiresGrad(true);
        Tensor images = flat.view(-1, 1, 28, 28);
        assertArrayEquals(new int[] {5, 1, 28, 28}, images.shape());
        assertEquals(flat.get(3, 28 * 4 + 7), images.get(3, 0, 4, 7));
        assertArrayEquals(new int[] {5, 784}, images.reshape(5, -1).shape());
        images.sum().backward();
        assertArrayEquals(new int[] {5, 784}, flat.grad().shape());
    }
}
