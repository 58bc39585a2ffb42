package dev.minibatch.train;

import dev.minibatch.nn.Module;
import dev.minibatch.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * Looks for NaN and infinity at every training step: in the loss before the optimizer step, in every
 * parameter after it, and in the validation loss. A non-finite gradient always reaches its parameter in
 * the step (whatever the optimizer, lr * NaN is NaN), so one pass over the parameters finds it too; the
 * gradients are searched only then, to say where the value came from. The first one found stops
 * training with a message naming the epoch, the batch, the tensor and the element. Since it stops the
 * epoch before it ends, no checkpoint of a broken model is ever written: the last one stays.
 *
 * <p>The cost is one vectorised read of the parameters per step ({@link Tensor#allFinite}), next to the
 * several passes over them that the backward pass and the optimizer step make.
 */
final class NumericsCheck {
    private final Map<String, Tensor> parameters;

    NumericsCheck(Module model) {
        this.parameters = model.namedParameters();
    }

    /** Before the optimizer step, so that a non-finite loss leaves the parameters as they were. */
    void afterBackward(int epoch, int batch, float loss) {
        if (!Float.isFinite(loss)) {
            throw stop(epoch, batch, "the training loss is " + loss);
        }
    }

    /** After the optimizer step, before the gradients are dropped. */
    void afterStep(int epoch, int batch) {
        for (Map.Entry<String, Tensor> p : parameters.entrySet()) {
            if (!p.getValue().allFinite()) {
                throw stop(epoch, batch, cause(p.getKey(), p.getValue()));
            }
        }
    }

    void afterValidation(int epoch, double loss) {
        if (!Double.isFinite(loss)) {
            throw new StopTrainingException("non-finite value at epoch " + epoch + ": the validation loss is "
                    + loss + " (a lower learning rate may help)");
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

    private static StopTrainingException stop(int epoch, int batch, String problem) {
        return new StopTrainingException("non-finite value at epoch " + epoch + ", batch " + batch + ": " + problem
                + " (a lower learning rate may help)");
    }
}
