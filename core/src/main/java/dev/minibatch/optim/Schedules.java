package dev.minibatch.optim;

import java.util.List;

/** The schedulers' checks of their settings, with messages that carry the values. */
final class Schedules {
    private Schedules() {
    }

    static void checkPositive(String scheduler, String setting, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(scheduler + ": " + setting + " must be >= 1, got " + value);
        }
    }

    /** A multiplier or a rate: finite and not negative. */
    static void checkFactor(String scheduler, String setting, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(scheduler + ": " + setting + " must be finite and >= 0, got " + value);
        }
    }

    /**
     * A copy of {@code schedulers}, checked to be non-empty and on one optimizer: {@code optimizer}, or the first
     * scheduler's when null.
     */
    static List<LRScheduler> sameOptimizer(String scheduler, Optimizer optimizer, List<LRScheduler> schedulers) {
        if (schedulers == null || schedulers.isEmpty()) {
            throw new IllegalArgumentException(scheduler + ": expects at least one scheduler");
        }
        Optimizer expected = optimizer != null ? optimizer : schedulers.get(0).optimizer();
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer() != expected) {
                String other = optimizer != null ? "the one given" : "scheduler 0";
                throw new IllegalArgumentException(scheduler + ": scheduler " + i + " belongs to another optimizer than "
                        + other);
            }
        }
        return List.copyOf(schedulers);
    }
}
