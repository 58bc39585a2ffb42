package dev.minibatch.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows training progress: batches done out of the epoch's total, the epoch's mean loss so far, the rate
 * and the time left. On a terminal it draws a progress bar (me.tongfei progressbar) that redraws in place;
 * elsewhere (a log file, CI) it prints a plain line at every tenth of an epoch. Each epoch ends with a line
 * of its metrics, and a run that stopped early ends with the reason, unless {@link #progressOnly()} leaves
 * that report to a program that prints its own.
 */
public final class ProgressBarCallback implements Callback {
    /** How often the bar's loss is updated: it redraws every 200 ms. */
    private static final long MESSAGE_NANOS = 100_000_000L;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final boolean reports;

    private int lastEpoch;
    private int batches;
    private long epochStart;
    private double lossSum;
    private int lossCount;
    private int nextTenth;
    private long nextMessage;
    private ProgressBar bar;
    private LineEnd barEnd;

    /**
     * @param out      where to print (stderr for a command-line run; a captured stream in tests)
     * @param terminal draw a redrawing bar (true) or print plain lines (false)
     */
    public ProgressBarCallback(PrintStream out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    ProgressBarCallback(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this(out, terminal, nanoClock, true);
    }

    private ProgressBarCallback(PrintStream out, boolean terminal, LongSupplier nanoClock, boolean reports) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.reports = reports;
    }

    /**
     * The same progress without the run's report (the resume line, each epoch's metrics, the stop reason),
     * for a program that prints that report itself, so that it is not printed twice.
     */
    public ProgressBarCallback progressOnly() {
        return new ProgressBarCallback(out, terminal, nanoClock, false);
    }

    /** Progress on stderr: a bar when the program runs in a terminal, plain lines otherwise. */
    public static ProgressBarCallback stderr() {
        return new ProgressBarCallback(System.err, System.console() != null);
    }

    @Override
    public void beforeFit(Learner learner) {
        this.lastEpoch = learner.lastEpoch();
        int done = learner.history().lastEpoch();
        if (reports && done > 0) {
            out.println("resuming after epoch " + done + " of " + lastEpoch);
        }
    }

    @Override
    public void beforeTrain(Learner learner) {
        this.batches = learner.batches();
        this.epochStart = nanoClock.getAsLong();
        this.lossSum = 0;
        this.lossCount = 0;
        this.nextTenth = 1;
        this.nextMessage = epochStart;
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName(epochLabel(learner.epoch()))
                    .setInitialMax(batches)
                    .setUnit(" batches", 1)
                    .showSpeed()
                    .setUpdateIntervalMillis(200)
                    .setConsumer(barEnd = new LineEnd(new ConsoleProgressBarConsumer(out)))
                    .build();
        }
    }

    @Override
    public void afterBatch(Learner learner) {
        if (!learner.training()) {
            return;
        }
        int batch = learner.batchIndex();
        if (!learner.batchCancelled()) {
            lossSum += learner.lossValue();
            lossCount++;
        }
        // The mean loss is formatted only when it is shown: String.format at every batch was a measurable
        // share of a small model's job (docs/kernels.md), with the formatter's regular expressions compiled.
        if (terminal) {
            bar.stepTo(batch);
            long now = nanoClock.getAsLong();
            if (now >= nextMessage || batch == batches) {
                nextMessage = now + MESSAGE_NANOS;
                bar.setExtraMessage(" " + meanLoss());
            }
        } else if (batch < batches && (long) batch * 10 >= (long) nextTenth * batches) {
            nextTenth = (int) ((long) batch * 10 / batches) + 1;
            out.println(plainLine(learner.epoch(), batch, meanLoss()));
        }
    }

    private String meanLoss() {
        return String.format(Locale.ROOT, "loss %.4f", lossCount == 0 ? Double.NaN : lossSum / lossCount);
    }

    private String plainLine(int epoch, int batch, String meanLoss) {
        double seconds = (nanoClock.getAsLong() - epochStart) / 1e9;
        double rate = seconds > 0 ? batch / seconds : 0;
        String left = rate > 0 ? duration((batches - batch) / rate) : "?";
        return String.format(Locale.ROOT, "%s %d/%d batches (%d%%) %s, %.1f batches/s, %s left",
                epochLabel(epoch), batch, batches, batch * 100L / batches, meanLoss, rate, left);
    }

    @Override
    public void afterTrain(Learner learner) {
        closeBar();
    }

    @Override
    public void afterEpoch(Learner learner) {
        if (!reports) {
            return;
        }
        EpochResult r = learner.history().last().orElseThrow();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: train_loss %.4f, valid_loss %.4f",
                epochLabel(r.epoch()), r.trainLoss(), r.validLoss()));
        r.metrics().forEach((name, value) -> line.append(String.format(Locale.ROOT, ", %s %.4f", name, value)));
        out.println(line.append(String.format(Locale.ROOT, ", %.1fs", r.seconds())));
    }

    @Override
    public void afterFit(Learner learner) {
        closeBar();
        if (reports) {
            learner.history().stopReason().ifPresent(reason -> out.println("stopped early: " + reason));
        }
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            barEnd.closeIfOpen();
            bar = null;
        }
    }

    /**
     * The bar's consumer, which remembers whether the library closed it (drawing the last state and ending
     * the line). progressbar 0.10.1 skips that when the bar is closed before its first scheduled redraw (a
     * fast epoch), which would leave the epoch's summary on the bar's line; {@link #closeBar} then ends it.
     */
    private static final class LineEnd extends DelegatingProgressBarConsumer {
        private final ProgressBarConsumer console;
        private volatile boolean closed;

        LineEnd(ProgressBarConsumer console) {
            super(console::accept, console.getMaxRenderedLength());
            this.console = console;
        }

        @Override
        public void close() {
            closed = true;
            console.close();
        }

        /** After {@code ProgressBar.close()}, which waits for the library's last redraw. */
        void closeIfOpen() {
            if (!closed) {
                close();
            }
        }
    }

    private String epochLabel(int epoch) {
        return "epoch " + epoch + "/" + lastEpoch;
    }

    /** {@code m:ss}, or {@code h:mm:ss} past an hour. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
