package dev.minibatch.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 1cycle policy, like {@code torch.optim.lr_scheduler.OneCycleLR}: per iteration, the learning rate
 * rises from maxLr/divFactor to maxLr over the first pctStart of totalSteps, then falls to
 * maxLr/divFactor/finalDivFactor; the momentum (SGD's {@code momentum}, or Adam's beta1) moves the other way,
 * from maxMomentum to baseMomentum and back. With threePhase, the rate comes back down to its start before the
 * final fall, as in the paper. Build it with {@code OneCycleLR.builder(optimizer, 0.1).totalSteps(1000).build()}.
 * Stepping more than totalSteps times is refused, as in PyTorch; step totalSteps itself, which follows the
 * last optimizer step, holds the final rate and momentum.
 */
public final class OneCycleLR extends LRScheduler {
    /** How a phase moves from its start value to its end value. */
    public enum AnnealStrategy {
        COS, LINEAR;

        double anneal(double start, double end, double pct) {
            return this == COS ? end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1)
                    : (end - start) * pct + start;
        }
    }

    /** A phase ends at iteration endStep with the rates endLrs and the momentum endMomentum. */
    private record Phase(double endStep, double[] startLrs, double[] endLrs, double startMomentum,
                         double endMomentum) {
    }

    private final int totalSteps;
    private final AnnealStrategy annealStrategy;
    private final boolean cycleMomentum;
    private final Map<String, double[]> settings;
    private final List<Phase> phases;

    private OneCycleLR(Builder b, double[] initialLrs, double[] maxLrs, double[] minLrs) {
        super(b.optimizer, initialLrs);
        this.totalSteps = b.totalSteps;
        this.annealStrategy = b.annealStrategy;
        this.cycleMomentum = b.cycleMomentum;
        this.settings = b.settings(maxLrs);
        double up = b.pctStart * b.totalSteps;
        phases = new ArrayList<>();
        if (b.threePhase) {
            phases.add(new Phase(up - 1, initialLrs, maxLrs, b.maxMomentum, b.baseMomentum));
            phases.add(new Phase(2 * up - 2, maxLrs, initialLrs, b.baseMomentum, b.maxMomentum));
            phases.add(new Phase(b.totalSteps - 1, initialLrs, minLrs, b.maxMomentum, b.maxMomentum));
        } else {
            phases.add(new Phase(up - 1, initialLrs, maxLrs, b.maxMomentum, b.baseMomentum));
            phases.add(new Phase(b.totalSteps - 1, maxLrs, minLrs, b.baseMomentum, b.maxMomentum));
        }
        start();
    }

    /**
     * @param maxLr the peak learning rate: one for every group, or one per group
     */
    public static Builder builder(Optimizer optimizer, double... maxLr) {
        return new Builder(optimizer, maxLr);
    }

    /** PyTorch's {@code get_lr}: finds the phase of this iteration and anneals across it. */
    @Override
    protected double[] advance() {
        int step = lastEpoch();
        if (step > totalSteps) {
            throw new IllegalStateException("OneCycleLR: tried to step " + step + " times; the specified number "
                    + "of total steps is " + totalSteps);
        }
        double start = 0;
        int i = 0;
        while (i < phases.size() - 1 && step > phases.get(i).endStep()) {
            start = phases.get(i).endStep();
            i++;
        }
        Phase phase = phases.get(i);
        // Step totalSteps comes after the last optimizer step: PyTorch extrapolates the last phase to it (with
        // linear annealing, to a negative rate, which a group refuses); here it holds the final values.
        double pct = Math.min((step - start) / (phase.endStep() - start), 1);
        if (cycleMomentum) {
            double momentum = annealStrategy.anneal(phase.startMomentum(), phase.endMomentum(), pct);
            optimizer().paramGroups().forEach(g -> setMomentum(g, (float) momentum));
        }
        return perGroup((g, lr) -> annealStrategy.anneal(phase.startLrs()[g], phase.endLrs()[g], pct));
    }

    private static void setMomentum(ParamGroup group, float momentum) {
        if (group.has("betas")) {
            group.set("betas", momentum, group.values("betas")[1]);
        } else {
            group.set("momentum", momentum);
        }
    }

    @Override
    protected Map<String, double[]> settings() {
        return settings;
    }

    /**
     * OneCycleLR's settings, with PyTorch's defaults: pctStart 0.3, cosine annealing, momentum cycled between
     * 0.85 and 0.95, divFactor 25, finalDivFactor 1e4, two phases. The number of steps has no default: give
     * {@link #totalSteps} or {@link #epochs}.
     */
    public static final class Builder {
        private final Optimizer optimizer;
        private final double[] maxLrs;
        private Integer totalSteps;
        private Integer epochs;
        private Integer stepsPerEpoch;
        private double pctStart = 0.3;
        private AnnealStrategy annealStrategy = AnnealStrategy.COS;
        private boolean cycleMomentum = true;
        private double baseMomentum = 0.85;
        private double maxMomentum = 0.95;
        private double divFactor = 25;
        private double finalDivFactor = 1e4;
        private boolean threePhase;

        private Builder(Optimizer optimizer, double[] maxLr) {
            this.optimizer = optimizer;
            this.maxLrs = maxLr.clone();
        }

        public Builder totalSteps(int totalSteps) {
            this.totalSteps = totalSteps;
            return this;
        }

        /** totalSteps = epochs · stepsPerEpoch, when totalSteps is not given. */
        public Builder epochs(int epochs, int stepsPerEpoch) {
            this.epochs = epochs;
            this.stepsPerEpoch = stepsPerEpoch;
            return this;
        }

        /** The fraction of the cycle spent raising the rate. */
        public Builder pctStart(double pctStart) {
            this.pctStart = pctStart;
            return this;
        }

        public Builder annealStrategy(AnnealStrategy annealStrategy) {
            this.annealStrategy = annealStrategy;
            return this;
        }

        /** Whether the momentum (or beta1) moves inversely to the rate. */
        public Builder cycleMomentum(boolean cycleMomentum) {
            this.cycleMomentum = cycleMomentum;
            return this;
        }

        public Builder baseMomentum(double baseMomentum) {
            this.baseMomentum = baseMomentum;
            return this;
        }

        public Builder maxMomentum(double maxMomentum) {
            this.maxMomentum = maxMomentum;
            return this;
        }

        /** The initial rate is maxLr / divFactor. */
        public Builder divFactor(double divFactor) {
            this.divFactor = divFactor;
            return this;
        }

        /** The final rate is the initial rate / finalDivFactor. */
        public Builder finalDivFactor(double finalDivFactor) {
            this.finalDivFactor = finalDivFactor;
            return this;
        }

        public Builder threePhase(boolean threePhase) {
            this.threePhase = threePhase;
            return this;
        }

        /** As PyTorch names them, with the rate of every group. */
        private Map<String, double[]> settings(double[] maxLr) {
            Map<String, double[]> s = new LinkedHashMap<>();
            s.put("max_lr", maxLr.clone());
            s.put("total_steps", new double[] {totalSteps});
            s.put("pct_start", new double[] {pctStart});
            s.put("anneal_strategy", new double[] {annealStrategy.ordinal()});
            s.put("cycle_momentum", new double[] {cycleMomentum ? 1 : 0});
            s.put("base_momentum", new double[] {baseMomentum});
            s.put("max_momentum", new double[] {maxMomentum});
            s.put("div_factor", new double[] {divFactor});
            s.put("final_div_factor", new double[] {finalDivFactor});
            s.put("three_phase", new double[] {threePhase ? 1 : 0});
            return Collections.unmodifiableMap(s);
        }

        public OneCycleLR build() {
            resolveTotalSteps();
            if (!(pctStart >= 0 && pctStart <= 1)) {
                throw new IllegalArgumentException("OneCycleLR: pctStart must be in [0, 1], got " + pctStart);
            }
            Schedules.checkFactor("OneCycleLR", "divFactor", divFactor);
            Schedules.checkFactor("OneCycleLR", "finalDivFactor", finalDivFactor);
            int groups = optimizer.paramGroups().size();
            if (maxLrs.length != 1 && maxLrs.length != groups) {
                throw new IllegalArgumentException("OneCycleLR: expected 1 or " + groups + " values for maxLr (one "
                        + "per parameter group), got " + maxLrs.length + ": " + Arrays.toString(maxLrs));
            }
            if (cycleMomentum) {
                checkMomentum();
            }
            double[] max = new double[groups];
            double[] initial = new double[groups];
            double[] min = new double[groups];
            for (int g = 0; g < groups; g++) {
                max[g] = maxLrs[maxLrs.length == 1 ? 0 : g];
                Schedules.checkFactor("OneCycleLR", "maxLr", max[g]);
                initial[g] = max[g] / divFactor;
                min[g] = initial[g] / finalDivFactor;
            }
            return new OneCycleLR(this, initial, max, min);
        }

        private void resolveTotalSteps() {
            if (totalSteps != null) {
                Schedules.checkPositive("OneCycleLR", "totalSteps", totalSteps);
            } else if (epochs != null) {
                Schedules.checkPositive("OneCycleLR", "epochs", epochs);
                Schedules.checkPositive("OneCycleLR", "stepsPerEpoch", stepsPerEpoch);
                totalSteps = Math.multiplyExact(epochs, stepsPerEpoch);
            } else {
                throw new IllegalArgumentException("OneCycleLR: give either totalSteps or epochs and stepsPerEpoch");
            }
        }

        private void checkMomentum() {
            List<ParamGroup> groups = optimizer.paramGroups();
            for (int g = 0; g < groups.size(); g++) {
                if (!groups.get(g).has("momentum") && !groups.get(g).has("betas")) {
                    throw new IllegalArgumentException("OneCycleLR: cycleMomentum needs an optimizer with momentum "
                            + "or betas, but group " + g + " of " + optimizer.getClass().getSimpleName() + " has "
                            + groups.get(g).names());
                }
            }
        }
    }
}
