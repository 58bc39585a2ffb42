package dev.minibatch.cli;

import dev.minibatch.train.Callback;
import dev.minibatch.train.Learner;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a {@code train} job's time goes, for bench/time-to-result.sh: from the JVM's start to the command
 * (start-up, class loading, option parsing), loading the data, each epoch's training and validation, what
 * the callbacks write after each epoch (logs, plots, checkpoint), and the final model. Printed as one line
 * on stderr when {@code MINIBATCH_TIMINGS} is set; a user's run prints nothing.
 */
final class JobTimings implements Callback {
    private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final double commandStart = sinceStart();
    private double dataLoaded = Double.NaN;
    private final List<Double> epochs = new ArrayList<>();
    private double writes;
    private double epochStart;
    private double validated;

    static JobTimings startIfAsked() {
        return System.getenv("MINIBATCH_TIMINGS") == null ? null : new JobTimings();
    }

    private double sinceStart() {
        return (System.currentTimeMillis() - jvmStartMillis) / 1e3;
    }

    void dataLoaded() {
        dataLoaded = sinceStart();
    }

    /** Runs last at every event, so that the other callbacks' writes fall between validation and the epoch's end. */
    @Override
    public int order() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void beforeEpoch(Learner learner) {
        epochStart = sinceStart();
    }

    @Override
    public void afterValidate(Learner learner) {
        validated = sinceStart();
        epochs.add(validated - epochStart);
    }

    @Override
    public void afterEpoch(Learner learner) {
        writes += sinceStart() - validated;
    }

    /** The breakdown, once the final model is written. */
    void print(PrintWriter err) {
        double end = sinceStart();
        double later = epochs.stream().skip(1).mapToDouble(Double::doubleValue).sum();
        err.println(String.format(Locale.ROOT, "timings: jvm %.3f data %.3f first_epoch %.3f later_epochs %.3f "
                + "(%d) epoch_writes %.3f rest %.3f total %.3f", commandStart, dataLoaded - commandStart,
                epochs.isEmpty() ? Double.NaN : epochs.get(0), later, Math.max(0, epochs.size() - 1), writes,
                end - dataLoaded - epochs.stream().mapToDouble(Double::doubleValue).sum() - writes, end));
        err.flush();
    }
}
