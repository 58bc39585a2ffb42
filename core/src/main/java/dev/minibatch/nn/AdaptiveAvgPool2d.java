package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

/**
 * Average pooling to a fixed output size whatever the input's, like {@code nn.AdaptiveAvgPool2d}: bin i of
 * n over a side of length L spans {@code floor(i·L/n)} to {@code ceil((i+1)·L/n)}.
 */
public class AdaptiveAvgPool2d extends Module {
    public final int outputHeight;
    public final int outputWidth;
    private final boolean square;

    /** A square output, {@code outputSize x outputSize}; 1 gives global average pooling. */
    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize, true);
    }

    public AdaptiveAvgPool2d(int outputHeight, int outputWidth) {
        this(outputHeight, outputWidth, false);
    }

    private AdaptiveAvgPool2d(int outputHeight, int outputWidth, boolean square) {
        String shown = square ? String.valueOf(outputHeight) : Repr.tuple(new int[] {outputHeight, outputWidth});
        LayerSettings.atLeast("AdaptiveAvgPool2d", "output_size", shown, Math.min(outputHeight, outputWidth), 1);
        this.outputHeight = outputHeight;
        this.outputWidth = outputWidth;
        this.square = square;
    }

    @Override
    public Tensor forward(Tensor x) {
        try {
            return Tensor.adaptiveAvgPool2d(x, outputHeight, outputWidth);
        } catch (IllegalArgumentException e) {
            throw LayerSettings.refusedBy(this, e);
        }
    }

    /** As PyTorch prints what it was given: {@code output_size=1} or {@code output_size=(5, 7)}. */
    @Override
    protected String extraRepr() {
        return "output_size=" + (square ? String.valueOf(outputHeight)
                : Repr.tuple(new int[] {outputHeight, outputWidth}));
    }
}
