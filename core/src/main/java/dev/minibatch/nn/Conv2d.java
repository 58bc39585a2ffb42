package dev.minibatch.nn;

import dev.minibatch.tensor.Fused;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

import java.util.Arrays;

/**
 * A 2-D convolution layer, like {@code nn.Conv2d}: input [N, C_in, H, W] (or one image [C_in, H, W]), weight
 * [C_out, C_in/groups, kH, kW], bias [C_out]; see {@link Tensor#conv2d} for the output size.
 */
public class Conv2d extends Module {
    public final int inChannels;
    public final int outChannels;
    public final int groups;
    public final Tensor weight;
    /** Null when the layer was made without a bias. */
    public final Tensor bias;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    /** {@code "same"} or {@code "valid"} when the padding was given by name, else null. */
    private final String paddingName;
    /** What {@code "same"} pads beyond {@link #padding} on the bottom and the right: [H, W], 0 or 1 each. */
    private final int[] extraPadding;

    /** A square kernel, stride 1, no padding. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups,
                  boolean bias) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, groups, bias);
    }

    /** A square kernel and the padding by name: {@code "same"} (stride 1 only) or {@code "valid"} (none). */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, String padding) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, padding, new int[] {1}, 1, true);
    }

    /**
     * The padding by name, as PyTorch takes it: {@code "valid"} pads nothing; {@code "same"} pads so that the
     * output has the input's size, {@code dilation·(k-1)} in all per dimension, half of it (rounded down)
     * on the top and the left and the rest on the bottom and the right. {@code "same"} needs stride 1.
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, String padding, int[] dilation,
                  int groups, boolean bias) {
        this(inChannels, outChannels, kernelSize, stride, new int[] {0}, dilation, groups, bias, padding);
    }

    /**
     * Each size is one int or an (H, W) pair. PyTorch's initialisation: weight and bias uniform in
     * ±1/√fan_in, fan_in = in_channels/groups·kH·kW, drawn from the default generator, the weight first.
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias) {
        this(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, null);
    }

    private Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                   int groups, boolean bias, String paddingName) {
        String name = "Conv2d";
        LayerSettings.atLeast(name, "in_channels", String.valueOf(inChannels), inChannels, 1);
        LayerSettings.atLeast(name, "out_channels", String.valueOf(outChannels), outChannels, 1);
        LayerSettings.atLeast(name, "groups", String.valueOf(groups), groups, 1);
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": in_channels=" + inChannels + " and out_channels="
                    + outChannels + " must both be divisible by groups=" + groups);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernelSize = LayerSettings.pair(name, "kernel_size", kernelSize, 1);
        this.stride = LayerSettings.pair(name, "stride", stride, 1);
        this.dilation = LayerSettings.pair(name, "dilation", dilation, 1);
        this.paddingName = paddingName;
        this.extraPadding = new int[2];
        if (paddingName == null || paddingName.equals("valid")) {
            this.padding = LayerSettings.pair(name, "padding", padding, 0);
        } else if (paddingName.equals("same")) {
            if (this.stride[0] != 1 || this.stride[1] != 1) {
                throw new IllegalArgumentException(name + ": padding='same' is not supported for strided "
                        + "convolutions, got stride=" + Repr.tuple(this.stride));
            }
            this.padding = new int[2];
            for (int d = 0; d < 2; d++) {
                int total = this.dilation[d] * (this.kernelSize[d] - 1);
                this.padding[d] = total / 2;
                this.extraPadding[d] = total % 2;
            }
        } else {
            throw new IllegalArgumentException(name + ": invalid padding string '" + paddingName
                    + "', should be one of {'valid', 'same'}");
        }
        int fanIn = inChannels / groups * this.kernelSize[0] * this.kernelSize[1];
        float bound = (float) (1 / Math.sqrt(fanIn));
        this.weight = Parameter.of(uniform(bound, outChannels, inChannels / groups, this.kernelSize[0],
                this.kernelSize[1]));
        this.bias = bias ? Parameter.of(uniform(bound, outChannels)) : null;
    }

    /** Uniform in [-bound, bound), computed as PyTorch's {@code uniform_} does: {@code from + (to - from)·u}. */
    private static Tensor uniform(float bound, int... shape) {
        return Tensor.rand(Minibatch.defaultGenerator(), shape).mul(2 * bound).sub(bound);
    }

    public int[] kernelSize() {
        return kernelSize.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    /** The padding on each side, [H, W]; for {@code "same"} with an even total, the top and the left. */
    public int[] padding() {
        return padding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, false);
    }

    /** The forward followed by a ReLU, as one op ({@link Fused#conv2dRelu}): for {@link Sequential}. */
    Tensor forwardRelu(Tensor x) {
        return forward(x, true, false);
    }

    /**
     * The forward followed by a ReLU and a 2x2 max pooling of stride 2, as one op
     * ({@link Fused#conv2dReluMaxPool2x2}), for {@link Sequential}; null where that op does not apply (an
     * unbatched image, or an output smaller than 2x2), before the convolution has run.
     */
    Tensor forwardReluPool(Tensor x) {
        return x.dim() == 4 ? forward(x, true, true) : null;
    }

    private Tensor forward(Tensor x, boolean relu) {
        return forward(x, relu, false);
    }

    private Tensor forward(Tensor x, boolean relu, boolean pool) {
        if (x.dim() == 3 && x.size(0) == inChannels) {
            return forward(x.unsqueeze(0), relu).squeeze(0);
        }
        if (x.dim() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException(this + ": expected an image batch [N, C, H, W] with C=" + inChannels
                    + " (or one image [C, H, W]), got input of shape " + Arrays.toString(x.shape()) + reshapeHint(x));
        }
        if (extraPadding[0] != 0 || extraPadding[1] != 0) {
            x = Tensor.pad(x, 0, extraPadding[1], 0, extraPadding[0]);
        }
        try {
            if (pool) {
                return Fused.conv2dReluMaxPool2x2(x, weight, bias, stride, padding, dilation, groups);
            }
            return relu ? Fused.conv2dRelu(x, weight, bias, stride, padding, dilation, groups)
                    : Tensor.conv2d(x, weight, bias, stride, padding, dilation, groups);
        } catch (IllegalArgumentException e) {
            throw LayerSettings.refusedBy(this, e);
        }
    }

    /** For a batch of flattened square images, the reshape that restores them. */
    private String reshapeHint(Tensor x) {
        if (x.dim() != 2 || x.size(1) % inChannels != 0) {
            return "";
        }
        int side = (int) Math.round(Math.sqrt(x.size(1) / (double) inChannels));
        if (side * side * inChannels != x.size(1)) {
            return "";
        }
        String dims = inChannels + ", " + side + ", " + side;
        return "; if these are flattened " + side + "x" + side + " images, reshape them first: x.reshape(-1, "
                + dims + "), or put new Unflatten(1, " + dims + ") before this layer";
    }

    /** PyTorch's: padding, dilation, groups and bias shown only when not their defaults. */
    @Override
    protected String extraRepr() {
        StringBuilder s = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(Repr.tuple(kernelSize))
                .append(", stride=").append(Repr.tuple(stride));
        if (paddingName != null) {
            s.append(", padding=").append(paddingName);
        } else if (padding[0] != 0 || padding[1] != 0) {
            s.append(", padding=").append(Repr.tuple(padding));
        }
        if (dilation[0] != 1 || dilation[1] != 1) {
            s.append(", dilation=").append(Repr.tuple(dilation));
        }
        if (groups != 1) {
            s.append(", groups=").append(groups);
        }
        if (bias == null) {
            s.append(", bias=False");
        }
        return s.toString();
    }
}
