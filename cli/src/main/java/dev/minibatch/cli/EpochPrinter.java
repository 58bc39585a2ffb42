package dev.minibatch.cli;

import dev.minibatch.train.Callback;
import dev.minibatch.train.EpochResult;
import dev.minibatch.train.Learner;

import java.io.PrintWriter;
import java.util.Locale;

/** The lesson's line per epoch: the epoch, the validation loss and accuracy (and here the train loss and time). */
final class EpochPrinter implements Callback {
    private final PrintWriter out;
    private final int epochs;

    EpochPrinter(PrintWriter out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    @Override
    public void afterEpoch(Learner learner) {
        out.println(line(learner.history().last().orElseThrow(), epochs));
        out.flush();
    }

    /** An epoch's line, of {@code epochs} in all. */
    static String line(EpochResult r, int epochs) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  train_loss %.4f  valid_loss %.4f",
                r.epoch(), epochs, r.trainLoss(), r.validLoss()));
        r.metrics().forEach((name, value) -> line.append(String.format(Locale.ROOT, "  %s %.4f", name, value)));
        return line.append(String.format(Locale.ROOT, "  %.2fs", r.seconds())).toString();
    }
}
