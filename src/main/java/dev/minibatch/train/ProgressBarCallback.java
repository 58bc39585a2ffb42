package dev.minibatch.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows training progress: batches done out of the epoch's total, the epoch's mean loss so far, the rate
 * and the time left. On a terminal it draws a progress bar (me.tongfei progressbar) that redraws in place;
 * elsewhere (a log file, CI) it prints a plain line at every tenth of an epoch. Each epoch ends with a line
 * of its metrics, and a run that stopped early ends with the reason.
 */
public final class ProgressBarCallback implements Callback {
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;

    private int lastEpoch;
    private int batches;
    private long epochStart;
    private double lossSum;
    private int nextTenth;
    private ProgressBar bar;

    /**
     * @param out      where to print (stderr for a command-line run; a captured stream in tests)
     * @param terminal draw a redrawing bar (true) or print plain lines (false)
     */
    public ProgressBarCallback(PrintStream out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    ProgressBarCallback(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** Progress on stderr: a bar when the program runs in a terminal, plain lines otherwise. */
    public static ProgressBarCallback stderr() {
        return new ProgressBarCallback(System.err, System.console() != null);
    }

    @Override
    public void onFitStart(History previous, int lastEpoch) {
        this.lastEpoch = lastEpoch;
        if (previous.lastEpoch() > 0) {
            out.println("resuming after epoch " + previous.lastEpoch() + " of " + lastEpoch);
        }
    }

    @Override
    public void onEpochStart(int epoch, int batches) {
        this.batches = batches;
        this.epochStart = nanoClock.getAsLong();
        this.lossSum = 0;
        this.nextTenth = 1;
        if (terminal) {
            bar = new ProgressBarBuilder()
                    .setTaskName(epochLabel(epoch))
                    .setInitialMax(batches)
                    .setUnit(" batches", 1)
                    .showSpeed()
                    .setUpdateIntervalMillis(200)
                    .setConsumer(new ConsoleProgressBarConsumer(out))
                    .build();
        }
    }

    @Override
    public void onBatchEnd(int epoch, int batch, float loss) {
        lossSum += loss;
        String meanLoss = String.format(Locale.ROOT, "loss %.4f", lossSum / batch);
        if (terminal) {
            bar.stepTo(batch);
            bar.setExtraMessage(" " + meanLoss);
        } else if (batch < batches && (long) batch * 10 >= (long) nextTenth * batches) {
            nextTenth = (int) ((long) batch * 10 / batches) + 1;
            out.println(plainLine(epoch, batch, meanLoss));
        }
    }

    private String plainLine(int epoch, int batch, String meanLoss) {
        double seconds = (nanoClock.getAsLong() - epochStart) / 1e9;
        double rate = seconds > 0 ? batch / seconds : 0;
        String left = rate > 0 ? duration((batches - batch) / rate) : "?";
        return String.format(Locale.ROOT, "%s %d/%d batches (%d%%) %s, %.1f batches/s, %s left",
                epochLabel(epoch), batch, batches, batch * 100L / batches, meanLoss, rate, left);
    }

    @Override
    public void onEpochEnd(EpochResult r) {
        closeBar();
        out.println(String.format(Locale.ROOT, "%s: train_loss %.4f, valid_loss %.4f, valid_acc %.4f, %.1fs",
                epochLabel(r.epoch()), r.trainLoss(), r.validLoss(), r.validAccuracy(), r.seconds()));
    }

    @Override
    public void onFitEnd(History history) {
        closeBar();
        history.stopReason().ifPresent(reason -> out.println("stopped early: " + reason));
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
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
