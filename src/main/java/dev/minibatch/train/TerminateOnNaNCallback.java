package dev.minibatch.train;

/**
 * Stops training as soon as a loss is NaN or infinite: once the parameters hold NaN, every later step
 * is wasted, so the run says where it diverged instead of training on.
 */
public final class TerminateOnNaNCallback implements Callback {
    @Override
    public void onBatchEnd(int epoch, int batch, float loss) {
        if (!Float.isFinite(loss)) {
            throw new StopTrainingException("the training loss became " + loss + " at epoch " + epoch + ", batch "
                    + batch + " (a lower learning rate may help)");
        }
    }

    @Override
    public void onEpochEnd(EpochResult result) {
        if (!Double.isFinite(result.validLoss())) {
            throw new StopTrainingException("the validation loss became " + result.validLoss() + " at epoch "
                    + result.epoch());
        }
    }
}
