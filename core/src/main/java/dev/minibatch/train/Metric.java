package dev.minibatch.train;

import dev.minibatch.tensor.Tensor;

import java.util.function.BiFunction;

/**
 * A validation metric, averaged over samples (not batches) like the lesson's accuracy: the learner adds up
 * {@link #sum} over the validation batches and divides by the number of samples. Its {@link #name()} is
 * how logs, plots, printouts and early stopping refer to it.
 */
public interface Metric {
    String name();

    /** The metric summed over the batch's samples: the number of correct rows, for accuracy. */
    double sum(Tensor pred, Tensor target);

    /** The fraction of rows whose largest output is at the target class ({@link Metrics#accuracy}). */
    static Metric accuracy() {
        return of("accuracy", (pred, target) -> (double) Metrics.correct(pred, target, 1));
    }

    /** The fraction of rows whose target class is among the {@code k} largest outputs, named {@code top<k>}. */
    static Metric topKAccuracy(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k accuracy: k must be >= 1, got " + k);
        }
        return of("top" + k, (pred, target) -> (double) Metrics.correct(pred, target, k));
    }

    /**
     * A metric from a function that gives a batch's <em>mean</em> (as most metric functions do): it is
     * weighted by the batch's size, so that the epoch's value is the mean over samples.
     */
    static Metric mean(String name, BiFunction<Tensor, Tensor, Number> batchMean) {
        return of(name, (pred, target) -> batchMean.apply(pred, target).doubleValue() * pred.size(0));
    }

    /** A metric from a function that gives the batch's sum over samples. */
    static Metric of(String name, BiFunction<Tensor, Tensor, Double> batchSum) {
        if (name == null || name.isBlank() || name.contains(",")) {
            throw new IllegalArgumentException("a metric needs a name without commas, got '" + name + "'");
        }
        return new Metric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double sum(Tensor pred, Tensor target) {
                return batchSum.apply(pred, target);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
