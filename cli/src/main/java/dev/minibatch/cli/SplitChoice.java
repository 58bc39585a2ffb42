package dev.minibatch.cli;

import dev.minibatch.data.TensorDataset;
import dev.minibatch.datasets.Splits;

/** Picks {@code train}, {@code valid} or {@code test} by name. */
final class SplitChoice {
    private SplitChoice() {
    }

    static TensorDataset of(Splits splits, String name) {
        return switch (name) {
            case "train" -> splits.train();
            case "valid" -> splits.valid();
            case "test" -> splits.test();
            default -> throw new IllegalArgumentException("unknown split '" + name + "' (expected train, valid or test)");
        };
    }
}
