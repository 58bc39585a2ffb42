package dev.minibatch.train;

import dev.minibatch.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * The numerics check: stops training at the first NaN or infinity, in the training loss (before backward,
 * so the parameters stay as they were), in any parameter after the optimizer step, or in the validation
 * loss. A non-finite gradient always reaches its parameter in the step (whatever the optimizer,
 * lr * NaN is NaN), so one pass over the parameters finds it too; the gradients are searched only then,
 * to say where the value came from. The message names the epoch, the batch, the tensor and the element.
 * It stops before the epoch ends, so no checkpoint of a broken model is ever written: the last one stays.
 *
 * <p>{@link Learner} adds one by default (see {@link Learner#checkNumerics}); it runs before every other
 * callback. The cost is one vectorised read of the parameters per step ({@link Tensor#allFinite}).
 */
public final class TerminateOnNaNCallback implements Callback {
    private Map<String, Tensor> parameters;

    @Override
    public int order() {
        return -100;
    }

    @Override
    public void beforeFit(Learner learner) {
        parameters = learner.model().namedParameters();
    }

    @Override
    public void afterLoss(Learner learner) {
        if (learner.training() && !Float.isFinite(learner.lossValue())) {
            throw stop(learner, "the training loss is " + learner.lossValue());
        }
    }

    @Override
    public void afterStep(Learner learner) {
        for (Map.Entry<String, Tensor> p : parameters.entrySet()) {
            if (!p.getValue().allFinite()) {
                throw stop(learner, cause(p.getKey(), p.getValue()));
            }
        }
    }

    @Override
    public void afterValidate(Learner learner) {
        double loss = learner.epochResult().validLoss();
        if (!Double.isFinite(loss)) {
            throw new StopTrainingException("non-finite value at epoch " + learner.epoch()
                    + ": the validation loss is " + loss + " (a lower learning rate may help)");
        }
    }

    /** The first non-finite gradient if there is one (it spread into the step), else the parameter itself. */
    private String cause(String name, Tensor parameter) {
        for (Map.Entry<String, Tensor> p : parameters.entrySet()) {
            Tensor grad = p.getValue().grad();
            if (grad != null && !grad.allFinite()) {
                return "the gradient of " + p.getKey() + " holds " + firstNonFinite(grad)
                        + ", which the optimizer step put into the parameters";
            }
        }
        return "parameter " + name + " holds " + firstNonFinite(parameter) + " after the optimizer step, "
                + "from finite gradients";
    }

    /** The value and index of the first non-finite element, as {@code NaN at [2, 7]}. */
    private static String firstNonFinite(Tensor t) {
        float[] values = t.storage();
        int i = 0;
        while (Float.isFinite(values[i])) {
            i++;
        }
        return values[i] + " at " + Arrays.toString(index(t.shape(), i));
    }

    private static int[] index(int[] shape, int flat) {
        int[] at = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = flat % shape[d];
            flat /= shape[d];
        }
        return at;
    }

    private static StopTrainingException stop(Learner learner, String problem) {
        return new StopTrainingException("non-finite value at epoch " + learner.epoch() + ", batch "
                + learner.batchIndex() + ": " + problem + " (a lower learning rate may help)");
    }
}
