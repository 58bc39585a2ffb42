package dev.minibatch.optim;

import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every learning-rate schedule shares, like {@code torch.optim.lr_scheduler.LRScheduler}: it sets the
 * learning rate of each of an optimizer's parameter groups, once at construction (epoch 0, as PyTorch's
 * constructor does) and again at each {@link #step()}, which is called after {@code optimizer.step()}.
 *
 * <p>A schedule is computed in double, as PyTorch computes it in Python floats, from PyTorch's formulas: the
 * recursive ones (a step multiplies the current rate) read the scheduler's own double value rather than the
 * group's float32 copy, unless the group's rate was changed from outside, which they then follow as PyTorch
 * does. The first scheduler on a group records its rate as the group's initial rate ({@code initial_lr}); the
 * base rates are those.
 *
 * <p>The state dict is flat and holds only tensors: {@code last_epoch} (int32), {@code base_lrs} and
 * {@code last_lr}, the settings by PyTorch's names, and a chained scheduler's children under
 * {@code _schedulers.<k>.}; doubles are stored exactly (see {@link Float64}: int32 [n, 2], the IEEE bits).
 */
public abstract class LRScheduler {
    private static final String LAST_EPOCH = "last_epoch";
    private static final String BASE_LRS = "base_lrs";
    private static final String LAST_LR = "last_lr";
    private static final String CHILDREN = "_schedulers.";

    /** The rate of one group for the current epoch, from the rate it had. */
    protected interface GroupLr {
        double lr(int group, double current);
    }

    private final Optimizer optimizer;
    private double[] baseLrs;
    private double[] lastLrs;
    private int lastEpoch = -1;

    /** A schedule from the groups' initial rates; the subclass calls {@link #start()} once it is set up. */
    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        lastLrs = new double[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup group = groups.get(g);
            if (Double.isNaN(group.initialLr)) {
                group.initialLr = group.lr();
            }
            baseLrs[g] = group.initialLr;
            lastLrs[g] = group.lr();
        }
    }

    /** A schedule that sets the groups' initial rates itself, as OneCycleLR does. */
    protected LRScheduler(Optimizer optimizer, double[] initialLrs) {
        this(optimizer);
        for (int g = 0; g < baseLrs.length; g++) {
            optimizer.paramGroups().get(g).initialLr = initialLrs[g];
            baseLrs[g] = initialLrs[g];
        }
    }

    /** Moves to the next epoch (or iteration) and sets every group's learning rate for it. */
    public final void step() {
        lastEpoch++;
        try {
            lastLrs = advance();
        } catch (RuntimeException e) {
            lastEpoch--;
            throw e;
        }
    }

    /** PyTorch's constructor's first step, to epoch 0: the last line of a subclass's constructor. */
    protected final void start() {
        step();
    }

    /** Sets the groups' rates for {@link #lastEpoch()} and returns them, like PyTorch's {@code get_lr}. */
    protected abstract double[] advance();

    /** The settings, by PyTorch's names, saved with the state and checked when it is loaded. */
    protected abstract Map<String, double[]> settings();

    /** Sets each group's rate to {@code rule}'s, given the rate the group has (see the class comment). */
    protected final double[] perGroup(GroupLr rule) {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] next = new double[groups.size()];
        for (int g = 0; g < next.length; g++) {
            float current = groups.get(g).lr();
            next[g] = rule.lr(g, (float) lastLrs[g] == current ? lastLrs[g] : current);
        }
        for (int g = 0; g < next.length; g++) {
            groups.get(g).setLr((float) next[g]);
        }
        return next;
    }

    public final Optimizer optimizer() {
        return optimizer;
    }

    /** The epoch (or iteration) the rates are set for: 0 after construction, +1 at each step. */
    public final int lastEpoch() {
        return lastEpoch;
    }

    protected final double baseLr(int group) {
        return baseLrs[group];
    }

    /** The rate of each group set by the last step, as the groups hold it, like {@code get_last_lr()}. */
    public final float[] lastLr() {
        float[] out = new float[lastLrs.length];
        for (int g = 0; g < out.length; g++) {
            out[g] = (float) lastLrs[g];
        }
        return out;
    }

    final double[] lastLrsExact() {
        return lastLrs.clone();
    }

    /** PyTorch's {@code step(0)}, for {@link SequentialLR}: back to epoch 0 from the base rates. */
    final void restart() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int g = 0; g < baseLrs.length; g++) {
            groups.get(g).setLr((float) baseLrs[g]);
        }
        lastLrs = baseLrs.clone();
        lastEpoch = -1;
        step();
    }

    /** For a scheduler that drives others: its epoch and rates, without a step of its own. */
    final void begin(double[] lrs) {
        lastEpoch = 0;
        lastLrs = lrs.clone();
    }

    final void rewind() {
        lastEpoch--;
    }

    /** The schedulers this one drives, saved under {@code _schedulers.<k>.}. */
    List<LRScheduler> children() {
        return List.of();
    }

    // ---- state dict -------------------------------------------------------------------------------

    /** Everything a step reads, flat (see the class comment); the tensors are copies. */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        out.put(LAST_EPOCH, Tensor.wrapInts(new int[] {lastEpoch}));
        out.put(BASE_LRS, Float64.encode(baseLrs));
        out.put(LAST_LR, Float64.encode(lastLrs));
        settings().forEach((k, v) -> out.put(k, Float64.encode(v)));
        List<LRScheduler> children = children();
        for (int k = 0; k < children.size(); k++) {
            String prefix = CHILDREN + k + ".";
            children.get(k).stateDict().forEach((key, t) -> out.put(prefix + key, t));
        }
        return out;
    }

    /**
     * Restores what {@link #stateDict()} returned, so that the schedule continues exactly as if it had not
     * stopped. Strict: a missing or unexpected key, a tensor of another type or shape, or other settings than
     * this scheduler's are refused with every problem listed, and nothing changes.
     */
    public final void loadStateDict(Map<String, Tensor> dict) {
        List<String> errors = new ArrayList<>();
        Map<String, Tensor> expected = stateDict();
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor t = dict.get(e.getKey());
            if (t == null) {
                errors.add("missing " + e.getKey());
            } else if (t.dtype() != e.getValue().dtype() || !Arrays.equals(t.shape(), e.getValue().shape())) {
                errors.add(e.getKey() + " must be a " + e.getValue().dtype() + " tensor of shape "
                        + Arrays.toString(e.getValue().shape()) + ", got " + t.dtype() + " of shape "
                        + Arrays.toString(t.shape()));
            }
        }
        for (String key : dict.keySet()) {
            if (!expected.containsKey(key)) {
                errors.add("unexpected key " + key);
            }
        }
        if (errors.isEmpty()) {
            checkSettings(dict, "", errors);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + getClass().getSimpleName()
                    + ":\n\t" + String.join("\n\t", errors));
        }
        restore(dict, "");
    }

    private void checkSettings(Map<String, Tensor> dict, String prefix, List<String> errors) {
        int epoch = dict.get(prefix + LAST_EPOCH).toIntArray()[0];
        if (epoch < -1) {
            errors.add(prefix + LAST_EPOCH + " must be >= -1, got " + epoch);
        }
        settings().forEach((k, v) -> {
            double[] saved = Float64.decode(dict.get(prefix + k));
            if (!Arrays.equals(saved, v)) {
                errors.add(prefix + k + ": the checkpoint has " + Arrays.toString(saved) + ", this scheduler has "
                        + Arrays.toString(v));
            }
        });
        List<LRScheduler> children = children();
        for (int k = 0; k < children.size(); k++) {
            children.get(k).checkSettings(dict, prefix + CHILDREN + k + ".", errors);
        }
    }

    private void restore(Map<String, Tensor> dict, String prefix) {
        lastEpoch = dict.get(prefix + LAST_EPOCH).toIntArray()[0];
        baseLrs = Float64.decode(dict.get(prefix + BASE_LRS));
        lastLrs = Float64.decode(dict.get(prefix + LAST_LR));
        List<LRScheduler> children = children();
        for (int k = 0; k < children.size(); k++) {
            children.get(k).restore(dict, prefix + CHILDREN + k + ".");
        }
    }
}
