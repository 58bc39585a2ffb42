package dev.minibatch.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The epochs a training run completed, in order, and why it stopped early if it did. Immutable. */
public final class History {
    private static final History EMPTY = new History(List.of(), null);

    private final List<EpochResult> epochs;
    private final String stopReason;

    private History(List<EpochResult> epochs, String stopReason) {
        this.epochs = epochs;
        this.stopReason = stopReason;
    }

    public static History empty() {
        return EMPTY;
    }

    /** A history of these epochs, which must be numbered 1, 2, 3, ... */
    public static History of(List<EpochResult> epochs) {
        History h = EMPTY;
        for (EpochResult r : epochs) {
            h = h.plus(r);
        }
        return h;
    }

    /** This history with one more epoch, which must be the next one. */
    public History plus(EpochResult result) {
        if (result.epoch() != epochs.size() + 1) {
            throw new IllegalArgumentException("epoch " + result.epoch() + " cannot follow epoch " + epochs.size());
        }
        List<EpochResult> more = new ArrayList<>(epochs);
        more.add(result);
        return new History(List.copyOf(more), stopReason);
    }

    /** This history, marked as stopped early for {@code reason}. */
    public History stoppedBecause(String reason) {
        return new History(epochs, reason);
    }

    public List<EpochResult> epochs() {
        return epochs;
    }

    /** The number of the last completed epoch, 0 before the first. */
    public int lastEpoch() {
        return epochs.size();
    }

    public Optional<EpochResult> last() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
    }

    /** Why training stopped before its last epoch, if it did. */
    public Optional<String> stopReason() {
        return Optional.ofNullable(stopReason);
    }

    @Override
    public String toString() {
        return "History" + epochs + (stopReason != null ? " stopped: " + stopReason : "");
    }
}
