package dev.minibatch.train;

import dev.minibatch.nn.Module;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.plot.Plots;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A learning-rate range test, like fastai's {@code lr_find}: trains for at most {@code numIt} batches while
 * the learning rate grows exponentially from {@code startLr} to {@code endLr}, records the loss (smoothed
 * by an exponential moving average and debiased, as fastai does), stops early once the smoothed loss passes
 * {@code 4x} its minimum, and then puts the model, the optimizer and the random generators back exactly as
 * they were. The {@link Result} suggests a learning rate and draws the curve.
 *
 * <pre>{@code
 * LRFinder.Result r = LRFinder.builder().build().run(learner);
 * opt.setLr((float) r.valley());
 * }</pre>
 */
public final class LRFinder {
    private static final double BETA = 0.98;
    private static final double DIVERGENCE = 4;

    private final double startLr;
    private final double endLr;
    private final int numIt;
    private final boolean stopDiv;
    private final Generator shuffle;

    private LRFinder(Builder b) {
        this.startLr = b.startLr;
        this.endLr = b.endLr;
        this.numIt = b.numIt;
        this.stopDiv = b.stopDiv;
        this.shuffle = b.shuffle;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The learning rates tried and the smoothed losses they gave, in order, and the suggestions.
     *
     * @param steep  the learning rate where the loss falls fastest (the steepest descent against log lr)
     * @param valley fastai's default suggestion: two thirds of the way down the longest valley of the curve
     */
    public record Result(double[] lrs, double[] losses, double steep, double valley) {
        /** Loss against learning rate on a log axis, with both suggestions marked. */
        public void plot(Path png) throws IOException {
            Plots.lines("Learning rate finder", "learning rate", "loss (smoothed)", List.of(
                    new Plots.Series("loss", lrs, losses, Plots.Style.LINE),
                    point("steep " + fmt(steep), steep), point("valley " + fmt(valley), valley)), true, png);
        }

        private Plots.Series point(String name, double lr) {
            for (int i = 0; i < lrs.length; i++) {
                if (lrs[i] == lr) {
                    return new Plots.Series(name, new double[] {lr}, new double[] {losses[i]}, Plots.Style.MARKERS);
                }
            }
            return new Plots.Series(name, new double[0], new double[0], Plots.Style.MARKERS);
        }

        private static String fmt(double lr) {
            return String.format(Locale.ROOT, "%.2e", lr);
        }
    }

    /**
     * Sweeps on {@code learner}'s model, loss, optimizer and training loader, with none of its callbacks
     * (no logs or checkpoints are written), then restores the model's state dict, the optimizer's, the
     * default generator's state and the shuffle generator's (if the builder was given it), bit for bit.
     */
    public Result run(Learner learner) {
        Module model = learner.model();
        Optimizer optimizer = learner.optimizer();
        Map<String, Tensor> weights = copy(model.stateDict());
        Map<String, Tensor> optimizerState = copy(optimizer.stateDict());
        long[] defaultState = Minibatch.defaultGenerator().getState();
        long[] shuffleState = shuffle == null ? null : shuffle.getState();
        Sweep sweep = new Sweep();
        try {
            int epochs = (numIt + learner.trainLoader().size() - 1) / learner.trainLoader().size();
            new Learner(model, learner.lossFunction(), optimizer, learner.trainLoader(), learner.validLoader())
                    .checkNumerics(false).metrics(new Metric[0]).addCallbacks(sweep).fit(epochs);
        } finally {
            model.loadStateDict(weights);
            optimizer.loadStateDict(optimizerState);
            Minibatch.defaultGenerator().setState(defaultState);
            if (shuffleState != null) {
                shuffle.setState(shuffleState);
            }
        }
        return suggest(sweep.lrs.stream().mapToDouble(Double::doubleValue).toArray(),
                sweep.losses.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, t) -> out.put(k, t.isFloat() ? Tensor.wrap(t.toFloatArray(), t.shape())
                : Tensor.wrapInts(t.toIntArray(), t.shape())));
        return out;
    }

    /** Sets each batch's learning rate, records the smoothed loss, and ends the sweep. */
    private final class Sweep implements Callback {
        final List<Double> lrs = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();
        private double average;
        private double best = Double.POSITIVE_INFINITY;

        @Override
        public void beforeBatch(Learner l) {
            if (l.training()) {
                int i = lrs.size();
                double lr = startLr * Math.pow(endLr / startLr, numIt == 1 ? 0 : (double) i / (numIt - 1));
                l.optimizer().setLr((float) lr);
                lrs.add(lr);
            }
        }

        @Override
        public void afterLoss(Learner l) {
            if (!l.training()) {
                return;
            }
            int i = losses.size();
            average = BETA * average + (1 - BETA) * l.lossValue();
            double smooth = average / (1 - Math.pow(BETA, i + 1));
            losses.add(smooth);
            if (!Double.isFinite(smooth) || (stopDiv && smooth > DIVERGENCE * best)) {
                throw new StopTrainingException("the loss diverged at lr " + lrs.get(i));
            }
            best = Math.min(best, smooth);
        }

        @Override
        public void afterBatch(Learner l) {
            if (l.training() && losses.size() >= numIt) {
                throw new StopTrainingException("swept " + numIt + " learning rates");
            }
        }
    }

    /**
     * fastai's suggestions, over the points left after dropping the first tenth of the sweep and its last
     * five (where the loss is still noisy, or already diverging); over all points when too few remain.
     */
    static Result suggest(double[] lrs, double[] losses) {
        int n = lrs.length;
        if (n < 2) {
            throw new IllegalStateException("the LR finder recorded " + n + " loss" + (n == 1 ? "" : "es")
                    + ": it needs at least 2 batches");
        }
        int from = n / 10;
        int to = n - 5;
        if (to - from < 3) {
            from = 0;
            to = n;
        }
        return new Result(lrs, losses, steep(lrs, losses, from, to), valley(lrs, losses, from, to));
    }

    /** The learning rate at the most negative slope of loss against log(lr). */
    static double steep(double[] lrs, double[] losses, int from, int to) {
        int best = from;
        double steepest = Double.POSITIVE_INFINITY;
        for (int i = from; i + 1 < to; i++) {
            double slope = (losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i]));
            if (slope < steepest) {
                steepest = slope;
                best = i;
            }
        }
        return lrs[best];
    }

    /**
     * fastai's valley: the longest run of decreasing losses (as a longest decreasing subsequence), and the
     * point two thirds of the way along it (a third, plus half a third), where the loss still falls fast.
     */
    static double valley(double[] lrs, double[] losses, int from, int to) {
        int n = to - from;
        int[] length = new int[n];
        int maxStart = 0;
        int maxEnd = 0;
        Arrays.fill(length, 1);
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (losses[from + i] < losses[from + j] && length[i] < length[j] + 1) {
                    length[i] = length[j] + 1;
                }
                if (length[maxEnd] < length[i]) {
                    maxEnd = i;
                    maxStart = maxEnd - length[maxEnd];
                }
            }
        }
        double sections = (maxEnd - maxStart) / 3.0;
        int index = maxStart + (int) sections + (int) (sections / 2);
        return lrs[from + index];
    }

    /** fastai's defaults: 100 batches from 1e-7 to 10, stopping when the loss passes 4x its minimum. */
    public static final class Builder {
        private double startLr = 1e-7;
        private double endLr = 10;
        private int numIt = 100;
        private boolean stopDiv = true;
        private Generator shuffle;

        public Builder startLr(double lr) {
            startLr = lr;
            return this;
        }

        public Builder endLr(double lr) {
            endLr = lr;
            return this;
        }

        /** The most batches to sweep over (they may span several epochs). */
        public Builder numIt(int batches) {
            numIt = batches;
            return this;
        }

        /** Whether to stop once the smoothed loss passes 4x its minimum (default true). */
        public Builder stopDiv(boolean stop) {
            stopDiv = stop;
            return this;
        }

        /** The training loader's shuffle generator, restored too ({@link DataLoaders#generator()}). */
        public Builder restoring(Generator shuffleGenerator) {
            shuffle = shuffleGenerator;
            return this;
        }

        public LRFinder build() {
            if (!(startLr > 0 && endLr > startLr && Double.isFinite(endLr))) {
                throw new IllegalArgumentException("LR finder: expected 0 < startLr < endLr, got startLr " + startLr
                        + " and endLr " + endLr);
            }
            if (numIt < 2) {
                throw new IllegalArgumentException("LR finder: numIt must be >= 2 batches, got " + numIt);
            }
            return new LRFinder(this);
        }
    }
}
