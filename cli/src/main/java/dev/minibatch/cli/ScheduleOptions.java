package dev.minibatch.cli;

import dev.minibatch.optim.CosineAnnealingLR;
import dev.minibatch.optim.OneCycleLR;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.StepLR;
import dev.minibatch.train.LRSchedulerCallback;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.List;

/** {@code train}'s learning-rate schedule and its settings. */
final class ScheduleOptions {
    @Option(names = "--schedule", defaultValue = "constant", paramLabel = "NAME",
            description = "constant, step (StepLR, per epoch), cosine (CosineAnnealingLR over every batch of the "
                    + "run) or onecycle (OneCycleLR over every batch, cycling the momentum too) "
                    + "(default: ${DEFAULT-VALUE}).")
    String schedule = "constant";

    @Option(names = "--step-size", paramLabel = "EPOCHS",
            description = "step: epochs between decays (default: a third of --epochs, at least 1).")
    Integer stepSize;

    @Option(names = "--gamma", defaultValue = "0.1", description = "step: the decay factor (default: ${DEFAULT-VALUE}).")
    double gamma = 0.1;

    @Option(names = "--eta-min", defaultValue = "0", description = "cosine: the final rate (default: ${DEFAULT-VALUE}).")
    double etaMin;

    @Option(names = "--pct-start", defaultValue = "0.3",
            description = "onecycle: the fraction of the run spent warming up (default: ${DEFAULT-VALUE}).")
    double pctStart = 0.3;

    void check(CommandSpec spec) {
        if (!List.of("constant", "step", "cosine", "onecycle").contains(schedule)) {
            throw new ParameterException(spec.commandLine(), "unknown schedule '" + schedule
                    + "' (expected constant, step, cosine or onecycle)");
        }
    }

    /** The schedule as a callback, or null for a constant rate; {@code lr} is the peak for onecycle. */
    LRSchedulerCallback create(Optimizer optimizer, int epochs, int batchesPerEpoch, float lr) {
        int steps = epochs * batchesPerEpoch;
        return switch (schedule) {
            case "step" -> LRSchedulerCallback.perEpoch(new StepLR(optimizer,
                    stepSize != null ? stepSize : Math.max(1, epochs / 3), gamma));
            case "cosine" -> LRSchedulerCallback.perBatch(new CosineAnnealingLR(optimizer, steps, etaMin));
            case "onecycle" -> LRSchedulerCallback.perBatch(OneCycleLR.builder(optimizer, lr).totalSteps(steps)
                    .pctStart(pctStart).build());
            default -> null;
        };
    }

    boolean constant() {
        return schedule.equals("constant");
    }

    /** What a checkpoint records, so that a resumed run follows the same schedule. */
    void addTo(RunSettings s) {
        s.add("schedule", schedule, v -> schedule = v)
                .add("step_size", stepSize, v -> stepSize = RunSettings.optionalInt(v))
                .add("gamma", gamma, v -> gamma = Double.parseDouble(v))
                .add("eta_min", etaMin, v -> etaMin = Double.parseDouble(v))
                .add("pct_start", pctStart, v -> pctStart = Double.parseDouble(v));
    }
}
