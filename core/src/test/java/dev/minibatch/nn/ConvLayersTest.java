package dev.minibatch.nn;

import dev.minibatch.Fixtures;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conv2d, the pooling layers and Dropout: PyTorch's defaults, initialisation, printouts and refusals. */
class ConvLayersTest {
    @Test
    void printoutsArePyTorchsCharacterForCharacter() {
        assertEquals("Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))",
                new Conv2d(1, 8, 3, 1, 1).toString());
        assertEquals("Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))", new Conv2d(3, 6, 5).toString());
        assertEquals("Conv2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, "
                + "bias=False)", new Conv2d(4, 6, 3, 2, 1, 2, 2, false).toString());
        assertEquals("Conv2d(2, 2, kernel_size=(3, 1), stride=(2, 1), padding=(0, 1))", new Conv2d(2, 2,
                new int[] {3, 1}, new int[] {2, 1}, new int[] {0, 1}, new int[] {1}, 1, true).toString());
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
                new MaxPool2d(2).toString());
        assertEquals("MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)",
                new MaxPool2d(3, 2, 1, 1, true).toString());
        assertEquals("AvgPool2d(kernel_size=2, stride=2, padding=0)", new AvgPool2d(2).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(5, 7))", new AdaptiveAvgPool2d(5, 7).toString());
        assertEquals("Dropout(p=0.5, inplace=False)", new Dropout().toString());
        assertEquals("Dropout(p=0.25, inplace=False)", new Dropout(0.25).toString());
    }

    @Test
    void conv2dInitialisationIsUniformWithinOneOverSqrtFanIn() {
        Conv2d conv = new Conv2d(4, 16, 3, 1, 1, 1, 2, true);
        assertArrayEquals(new int[] {16, 2, 3, 3}, conv.weight.shape());
        assertArrayEquals(new int[] {16}, conv.bias.shape());
        double bound = 1 / Math.sqrt(2 * 3 * 3);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float v : conv.weight.toFloatArray()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= -bound && max <= bound, "in ±1/√fan_in: " + min + ".." + max);
        assertTrue(min < -0.9 * bound && max > 0.9 * bound, "fills the range: " + min + ".." + max);
        for (float b : conv.bias.toFloatArray()) {
            assertTrue(Math.abs(b) <= bound, "bias " + b);
        }
        assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
        assertNull(new Conv2d(1, 2, 3, 1, 0, 1, 1, false).bias);
    }

    @Test
    void conv2dDrawsFromTheDefaultGeneratorWeightFirst() {
        Minibatch.manualSeed(3);
        Conv2d conv = new Conv2d(2, 3, 2);
        Minibatch.manualSeed(3);
        float bound = (float) (1 / Math.sqrt(8));
        float[] u = Tensor.rand(Minibatch.defaultGenerator(), 3 * 8 + 3).toFloatArray();
        float[] w = conv.weight.toFloatArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(-bound + 2 * bound * u[i], w[i], 0f, "weight " + i);
        }
        assertEquals(-bound + 2 * bound * u[24], conv.bias.get(0), 0f, "the bias after the weight");
    }

    @Test
    void conv2dForwardIsTheOpWithItsSettingsAndTakesOneImage() {
        Conv2d conv = new Conv2d(2, 3, 3, 2, 1);
        Tensor x = Tensor.randn(4, 2, 7, 7);
        Tensor expected = Tensor.conv2d(x, conv.weight, conv.bias, new int[] {2}, new int[] {1}, new int[] {1}, 1);
        Fixtures.assertClose(expected, conv.forward(x), 0, 0, "batch");
        Tensor one = conv.forward(x.slice(0, 1, 2).squeeze(0));
        Fixtures.assertClose(expected.slice(0, 1, 2).squeeze(0), one, 0, 0, "one image [C, H, W]");
    }

    @Test
    void aFlatBatchGivenToConv2dIsRefusedWithTheReshapeThatFixesIt() {
        Conv2d conv = new Conv2d(1, 8, 3, 1, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(50, 784)));
        assertEquals("Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)): expected an image batch "
                + "[N, C, H, W] with C=1 (or one image [C, H, W]), got input of shape [50, 784]; if these are "
                + "flattened 28x28 images, reshape them first: x.reshape(-1, 1, 28, 28), or put new Unflatten(1, 1, 28, 28) "
                + "before this layer", e.getMessage());
        var channels = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 3, 8, 8)));
        assertTrue(channels.getMessage().contains("with C=1 (or one image [C, H, W]), got input of shape [2, 3, 8, 8]"),
                channels.getMessage());
    }

    @Test
    void kernelsLargerThanTheInputAndZeroStridesAreRefusedWithTheValues() {
        var big = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 5).forward(Tensor.zeros(1, 1, 3, 3)));
        assertTrue(big.getMessage().startsWith("Conv2d(1, 2, kernel_size=(5, 5), stride=(1, 1)): conv2d: the kernel "
                + "(5 x 5 with dilation) is larger than the padded input (3 x 3)"), big.getMessage());
        var stride = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 3, 0, 0));
        assertEquals("Conv2d: stride must be at least 1, got 0", stride.getMessage());
        var groups = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 0, 1, 2, true));
        assertEquals("Conv2d: in_channels=3 and out_channels=4 must both be divisible by groups=2", groups.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 0));
        var pad = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 2, 1, false));
        assertEquals("MaxPool2d: padding should be at most half of kernel_size, got padding=2 and kernel_size=2",
                pad.getMessage());
        var pool = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(4).forward(Tensor.zeros(1, 1, 3, 3)));
        assertTrue(pool.getMessage().startsWith("MaxPool2d(kernel_size=4, stride=4, padding=0, dilation=1, "
                + "ceil_mode=False): maxPool2d: the kernel"), pool.getMessage());
        var p = assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5));
        assertEquals("Dropout: dropout probability has to be between 0 and 1, but got 1.5", p.getMessage());
    }

    /**
     * PyTorch's padding='same': the output keeps the input's size; dilation·(k-1) is padded in all, its
     * smaller half on the top and the left. padding='valid' pads nothing.
     */
    @Test
    void paddingSameKeepsTheSizeWithTheOddPixelOnTheBottomAndRight() {
        Minibatch.manualSeed(5);
        Tensor x = Tensor.randn(2, 3, 6, 7);
        Conv2d even = new Conv2d(3, 4, new int[] {4, 2}, new int[] {1}, "same", new int[] {1, 3}, 1, true);
        Tensor out = even.forward(x);
        assertArrayEquals(new int[] {2, 4, 6, 7}, out.shape());
        // H: 1·3 = 3 → 1 on top, 2 below; W: 3·1 = 3 → 1 on the left, 2 on the right.
        Tensor byHand = Tensor.conv2d(Tensor.pad(x, 1, 2, 1, 2), even.weight, even.bias, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 3}, 1);
        Fixtures.assertClose(byHand, out, 0, 0, "same as padding by hand");
        assertArrayEquals(new int[] {1, 1}, even.padding());

        Conv2d odd = new Conv2d(3, 4, 5, 1, "same");
        Fixtures.assertClose(Tensor.conv2d(x, odd.weight, odd.bias, new int[] {1, 1}, new int[] {2, 2},
                new int[] {1, 1}, 1), odd.forward(x), 0, 0, "symmetric padding 2");
        assertEquals("Conv2d(3, 4, kernel_size=(5, 5), stride=(1, 1), padding=same)", odd.toString());

        Conv2d valid = new Conv2d(3, 4, 3, 1, "valid");
        assertArrayEquals(new int[] {2, 4, 4, 5}, valid.forward(x).shape());
        assertEquals("Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1), padding=valid)", valid.toString());
    }

    @Test
    void paddingSameWithAStrideAndUnknownPaddingNamesAreRefused() {
        var strided = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 3, 2, "same"));
        assertEquals("Conv2d: padding='same' is not supported for strided convolutions, got stride=(2, 2)",
                strided.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> new Conv2d(1, 2, 3, 1, "full"));
        assertEquals("Conv2d: invalid padding string 'full', should be one of {'valid', 'same'}", unknown.getMessage());
    }

    @Test
    void poolingLayersApplyTheirOps() {
        Tensor x = Tensor.randn(2, 3, 8, 8);
        Fixtures.assertClose(Functional.maxPool2d(x, 2), new MaxPool2d(2).forward(x), 0, 0, "max");
        Fixtures.assertClose(Functional.avgPool2d(x, 3, 2, 1), new AvgPool2d(3, 2, 1).forward(x), 0, 0, "avg");
        Fixtures.assertClose(Tensor.avgPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, true, false),
                new AvgPool2d(3, 2, 1, true, false).forward(x), 0, 0, "avg, ceil mode, padding not counted");
        Fixtures.assertClose(x.mean(3, true).mean(2, true), new AdaptiveAvgPool2d(1).forward(x), 1e-6, 1e-6,
                "global average");
    }

    @Test
    void dropoutDropsOnlyInTrainingMode() {
        Dropout d = new Dropout(0.5);
        Tensor x = Tensor.ones(1000);
        float[] y = d.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            zeros += v == 0f ? 1 : 0;
            assertTrue(v == 0f || v == 2f, "kept values are doubled: " + v);
        }
        assertTrue(zeros > 400 && zeros < 600, zeros + " of 1000 dropped");
        d.eval();
        assertArrayEquals(x.toFloatArray(), d.forward(x).toFloatArray());
    }
}
