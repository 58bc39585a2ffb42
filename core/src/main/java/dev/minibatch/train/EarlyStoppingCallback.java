package dev.minibatch.train;

import java.util.List;
import java.util.Locale;

/**
 * Stops training when a monitored value has not improved for {@code patience} epochs, like fastai's
 * {@code EarlyStoppingCallback} and Keras's {@code EarlyStopping}: by default the validation loss, where
 * lower is better; a metric ({@code accuracy}, ...) improves upwards. An epoch improves when it beats the
 * best so far by more than {@code minDelta}. The stop comes after the epoch's other callbacks (its
 * checkpoint among them) have run. The best epoch is read from the learner's whole history each time, so a
 * resumed run stops exactly where an uninterrupted one would.
 */
public final class EarlyStoppingCallback implements Callback {
    private final String monitor;
    private final int patience;
    private final double minDelta;
    private boolean stopped;

    /** Monitors {@code valid_loss} with no minimum improvement. */
    public EarlyStoppingCallback(int patience) {
        this("valid_loss", patience, 0);
    }

    /**
     * @param monitor  {@code valid_loss}, {@code train_loss} or a metric's name
     * @param patience epochs without improvement to allow before stopping (>= 1)
     * @param minDelta the least change that counts as an improvement (>= 0)
     */
    public EarlyStoppingCallback(String monitor, int patience, double minDelta) {
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping: patience must be >= 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("early stopping: minDelta must be >= 0, got " + minDelta);
        }
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void afterEpoch(Learner learner) {
        List<EpochResult> epochs = learner.history().epochs();
        boolean lowerIsBetter = monitor.endsWith("_loss");
        double best = Double.NaN;
        int bestEpoch = 0;
        for (EpochResult r : epochs) {
            double v = r.value(monitor);
            double gain = lowerIsBetter ? best - v : v - best;
            if (bestEpoch == 0 || gain > minDelta) {
                best = v;
                bestEpoch = r.epoch();
            }
        }
        int since = learner.epoch() - bestEpoch;
        if (since >= patience) {
            stopped = true;
            learner.stop(String.format(Locale.ROOT, "early stopping: %s has not improved for %d epochs "
                    + "(best %.4f at epoch %d)", monitor, since, best, bestEpoch));
        }
    }

    /** Whether this callback has stopped a run (which then ended normally, not from a failure). */
    public boolean stoppedTraining() {
        return stopped;
    }
}
