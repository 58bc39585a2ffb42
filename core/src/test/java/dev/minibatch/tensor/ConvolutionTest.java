package dev.minibatch.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minibatch.Fixtures;
import dev.minibatch.GradCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
        // Winograd's, down the columns of a kernel 5 high, the output's last tile of rows partly past its end.
        GradCheck.check("conv2d 8 channels, 5x3 kernel, padding (1, 2)",
                t -> Tensor.conv2d(t[0], t[1], t[2], one(1), new int[] {1, 2}, one(1), 1),
                Tensor.randn(gen, 2, 8, 7, 4), Tensor.randn(gen, 8, 8, 5, 3), Tensor.randn(gen, 8));
        GradCheck.check("conv2d 2x3 kernel, stride (2, 1), padding (0, 2), dilation (1, 2)",
                t -> Tensor.conv2d(t[0], t[1], t[2], new int[] {2, 1}, new int[] {0, 2}, new int[] {1, 2}, 1),
                Tensor.randn(gen, 1, 2, 6, 7), Tensor.randn(gen, 3, 2, 2, 3), Tensor.randn(gen, 3));
    }

    @Test
    void theGradientsAddUpOverPasses() {
        // Eight input channels (the input gradient as a convolution of the padded output gradient, added whole;
        // with a kernel 5 high, Winograd's, added row by row), and a stride of 2 (through col2im, which adds tap
        // by tap, so to rounding): a second pass adds the same input gradient to the first's, and the same
        // weight gradient, summed whole before it is added.
        for (int[] strideAndHeight : new int[][] {{1, 3}, {2, 3}, {1, 5}}) {
            int stride = strideAndHeight[0];
            String name = "stride " + stride + ", kernel height " + strideAndHeight[1];
            Tensor x = Tensor.randn(gen, 2, 8, 6, 7).requiresGrad(true);
            Tensor w = Tensor.randn(gen, 8, 8, strideAndHeight[1], 3).requiresGrad(true);
            Tensor r = Tensor.randn(gen, conv(x, w, null, stride, 1, 1, 1).shape());
            conv(x, w, null, stride, 1, 1, 1).mul(r).sum().backward();
            float[] once = x.grad().toFloatArray();
            float[] weightOnce = w.grad().toFloatArray();
            conv(x, w, null, stride, 1, 1, 1).mul(r).sum().backward();
            float[] twice = x.grad().toFloatArray();
            for (int i = 0; i < once.length; i++) {
                assertEquals(2 * once[i], twice[i], stride == 1 ? 0 : 1e-5f * Math.max(1, Math.abs(once[i])),
                        name + ", element " + i);
            }
            float[] weightTwice = w.grad().toFloatArray();
            for (int i = 0; i < weightOnce.length; i++) {
                assertEquals(2 * weightOnce[i], weightTwice[i], 0, name + ", weight " + i);
            }
        }
    }

    /** Settings, as in {@link #strideOneMatchesADirectSumInEverySetting}, that go through {@link Winograd}. */
    private static final int[][] WINOGRAD = {{3, 16, 32, 14, 14, 5, 5, 2, 2, 1, 1, 1},
        {2, 8, 8, 9, 11, 5, 3, 0, 1, 1, 1, 1}, {2, 9, 10, 6, 7, 5, 7, 3, 6, 1, 1, 1},
        {12, 8, 16, 13, 5, 5, 1, 4, 0, 1, 1, 1}, {1, 8, 12, 5, 17, 5, 5, 1, 4, 1, 1, 1}};

    @Test
    void winogradTakesStrideOneKernelsFiveRowsHighWithEightChannelsAndMore() {
        for (int[] s : WINOGRAD) {
            assertNotNull(geometry(s).winograd(), java.util.Arrays.toString(s));
        }
        // {..., groups, row stride}: a stride or dilation of 2, a kernel 3 high, 4 channels in or out, 2 groups,
        // a padding past the kernel's width less one: the direct convolution.
        int[][] others = {{1, 8, 8, 9, 9, 5, 5, 2, 2, 1, 1, 1, 2}, {1, 8, 8, 9, 9, 5, 5, 2, 2, 2, 1, 1, 1},
            {1, 8, 8, 9, 9, 3, 5, 2, 2, 1, 1, 1, 1}, {1, 4, 8, 9, 9, 5, 5, 2, 2, 1, 1, 1, 1},
            {1, 8, 4, 9, 9, 5, 5, 2, 2, 1, 1, 1, 1}, {1, 16, 16, 9, 9, 5, 5, 2, 2, 1, 1, 2, 1},
            {1, 8, 8, 9, 9, 5, 3, 2, 3, 1, 1, 1, 1}};
        for (int[] s : others) {
            Window2d win = Window2d.of("conv2d", s[3], s[4], new int[] {s[5], s[6]}, new int[] {s[12], 1},
                    new int[] {s[7], s[8]}, new int[] {s[9], s[10]}, false);
            assertNull(new ConvGeometry(s[0], s[1], s[2], s[11], win).winograd(), java.util.Arrays.toString(s));
        }
    }

    private static ConvGeometry geometry(int[] s) {
        Window2d win = Window2d.of("conv2d", s[3], s[4], new int[] {s[5], s[6]}, new int[] {1, 1},
                new int[] {s[7], s[8]}, new int[] {s[9], s[10]}, false);
        return new ConvGeometry(s[0], s[1], s[2], s[11], win);
    }

    @Test
    void strideOneMatchesADirectSumInEverySetting() {
        // {n, c, o, h, w, kh, kw, ph, pw, dh, dw, groups}: the anchor's two layers, a dilated uneven kernel,
        // groups, a 1x1 kernel, a padding past the kernel's reach, and images large enough that a chunk's
        // weight gradient is summed over several runs of images. Then Winograd's (see WINOGRAD): the anchor's
        // second layer at its size, kernels 5 high and 3, 7 or 1 wide, paddings from none to the kernel's
        // reach, output heights that are and are not multiples of its four rows, a batch cut in many chunks.
        int[][] settings = {{3, 1, 16, 12, 10, 5, 5, 2, 2, 1, 1, 1}, {2, 16, 32, 7, 9, 5, 5, 2, 2, 1, 1, 1},
            {5, 8, 12, 6, 7, 3, 2, 1, 0, 2, 1, 1}, {4, 16, 8, 5, 5, 3, 3, 1, 1, 1, 1, 2},
            {3, 9, 3, 4, 4, 1, 1, 0, 0, 1, 1, 1}, {2, 8, 9, 3, 4, 2, 2, 3, 3, 1, 1, 1},
            {24, 8, 16, 64, 64, 3, 3, 1, 1, 1, 1, 1}, WINOGRAD[0], WINOGRAD[1], WINOGRAD[2], WINOGRAD[3],
            WINOGRAD[4]};
        for (int[] s : settings) {
            Tensor x = Tensor.randn(gen, s[0], s[1], s[3], s[4]).requiresGrad(true);
            Tensor w = Tensor.randn(gen, s[2], s[1] / s[11], s[5], s[6]).requiresGrad(true);
            Tensor b = Tensor.randn(gen, s[2]).requiresGrad(true);
            Tensor out = Tensor.conv2d(x, w, b, one(1), new int[] {s[7], s[8]}, new int[] {s[9], s[10]}, s[11]);
            Tensor r = Tensor.randn(gen, out.shape());
            out.mul(r).sum().backward();
            DirectSum ref = new DirectSum(x.toFloatArray(), w.toFloatArray(), b.toFloatArray(), r.toFloatArray(), s,
                    out.size(2), out.size(3));
            String name = java.util.Arrays.toString(s);
            Fixtures.assertClose(Tensor.of(ref.out, out.shape()), out, 1e-4, 1e-4, name + ": out");
            Fixtures.assertClose(Tensor.of(ref.dx, x.shape()), x.grad(), 1e-4, 1e-4, name + ": dx");
            Fixtures.assertClose(Tensor.of(ref.dw, w.shape()), w.grad(), 1e-4, 1e-3, name + ": dweight");
            Fixtures.assertClose(Tensor.of(ref.db, b.shape()), b.grad(), 1e-4, 1e-3, name + ": dbias");
        }
    }

    /**
     * A stride-1 convolution and its gradients for the loss sum(out·r), by the definition, in double: every
     * output position, channel and tap in turn.
     */
    private static final class DirectSum {
        final float[] out;
        final float[] dx;
        final float[] dw;
        final float[] db;

        DirectSum(float[] x, float[] w, float[] b, float[] r, int[] s, int oh, int ow) {
            int n = s[0];
            int c = s[1];
            int o = s[2];
            int h = s[3];
            int wd = s[4];
            int kh = s[5];
            int kw = s[6];
            int cg = c / s[11];
            int og = o / s[11];
            double[] outD = new double[n * o * oh * ow];
            double[] dxD = new double[x.length];
            double[] dwD = new double[w.length];
            double[] dbD = new double[o];
            for (int i = 0; i < n; i++) {
                for (int oc = 0; oc < o; oc++) {
                    for (int y = 0; y < oh; y++) {
                        for (int xx = 0; xx < ow; xx++) {
                            int at = ((i * o + oc) * oh + y) * ow + xx;
                            double sum = b[oc];
                            dbD[oc] += r[at];
                            for (int cc = 0; cc < cg; cc++) {
                                int ch = oc / og * cg + cc;
                                for (int ky = 0; ky < kh; ky++) {
                                    int iy = y - s[7] + ky * s[9];
                                    for (int kx = 0; kx < kw; kx++) {
                                        int ix = xx - s[8] + kx * s[10];
                                        if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                            continue;
                                        }
                                        int xi = ((i * c + ch) * h + iy) * wd + ix;
                                        int wi = ((oc * cg + cc) * kh + ky) * kw + kx;
                                        sum += (double) w[wi] * x[xi];
                                        dxD[xi] += (double) w[wi] * r[at];
                                        dwD[wi] += (double) x[xi] * r[at];
                                    }
                                }
                            }
                            outD[at] = sum;
                        }
                    }
                }
            }
            out = floats(outD);
            dx = floats(dxD);
            dw = floats(dwD);
            db = floats(dbD);
        }

        private static float[] floats(double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                f[i] = (float) d[i];
            }
            return f;
        }
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
