package dev.minibatch.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scales each group's base learning rate by a factor that moves linearly from {@code startFactor} to
 * {@code endFactor} over {@code totalIters} epochs, then stays, like PyTorch's {@code LinearLR} (a warm-up with
 * the defaults: a third of the rate, up to all of it in 5 epochs).
 */
public final class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /** PyTorch's defaults: startFactor 1/3, endFactor 1, totalIters 5. */
    public LinearLR(Optimizer optimizer) {
        this(optimizer, 1.0 / 3, 1.0, 5);
    }

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: startFactor must be in (0, 1], got " + startFactor);
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: endFactor must be in [0, 1], got " + endFactor);
        }
        Schedules.checkPositive("LinearLR", "totalIters", totalIters);
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        start();
    }

    /** PyTorch's recursive form: each step multiplies by the ratio of consecutive factors. */
    @Override
    protected double[] advance() {
        int e = lastEpoch();
        return perGroup((g, lr) -> {
            if (e == 0) {
                return lr * startFactor;
            }
            if (e > totalIters) {
                return lr;
            }
            return lr * (1.0 + (endFactor - startFactor)
                    / (totalIters * startFactor + (e - 1) * (endFactor - startFactor)));
        });
    }

    @Override
    protected Map<String, double[]> settings() {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("start_factor", new double[] {startFactor});
        s.put("end_factor", new double[] {endFactor});
        s.put("total_iters", new double[] {totalIters});
        return s;
    }
}
