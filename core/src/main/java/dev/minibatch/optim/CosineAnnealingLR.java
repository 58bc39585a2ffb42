package dev.minibatch.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Anneals each group's learning rate from its base rate to {@code etaMin} along a half cosine over
 * {@code tMax} epochs, then back up over the next {@code tMax} and so on, like PyTorch's
 * {@code CosineAnnealingLR}: lr = η_min + (base − η_min)(1 + cos(π·epoch / T_max)) / 2, computed with
 * PyTorch's recursive form, so that a rate changed from outside is followed.
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    /** Down to 0, PyTorch's default. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        Schedules.checkPositive("CosineAnnealingLR", "tMax", tMax);
        Schedules.checkFactor("CosineAnnealingLR", "etaMin", etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        start();
    }

    /**
     * Each step scales the distance to η_min by the ratio of consecutive cosine terms; one epoch past each
     * minimum, where that ratio would divide by zero, it adds the first step of the climb instead.
     */
    @Override
    protected double[] advance() {
        int e = lastEpoch();
        return perGroup((g, lr) -> {
            if (e == 0) {
                return lr;
            }
            if ((e - 1 - tMax) % (2 * tMax) == 0) {
                return lr + (baseLr(g) - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            }
            return (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax)) * (lr - etaMin)
                    + etaMin;
        });
    }

    @Override
    protected Map<String, double[]> settings() {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("T_max", new double[] {tMax});
        s.put("eta_min", new double[] {etaMin});
        return s;
    }
}
