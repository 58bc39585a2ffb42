package dev.minibatch.cli;

import dev.minibatch.train.Callback;
import dev.minibatch.train.EpochResult;

import java.io.PrintWriter;

/** The lesson's line per epoch: the epoch, the validation loss and accuracy (and here the train loss and time). */
final class EpochPrinter implements Callback {
    private final PrintWriter out;
    private final int epochs;

    EpochPrinter(PrintWriter out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    @Override
    public void onEpochEnd(EpochResult r) {
        out.printf("epoch %d/%d  train_loss %.4f  valid_loss %.4f  valid_acc %.4f  %.2fs%n",
                r.epoch(), epochs, r.trainLoss(), r.validLoss(), r.validAccuracy(), r.seconds());
        out.flush();
    }
}
