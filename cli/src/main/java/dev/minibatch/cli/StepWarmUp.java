package dev.minibatch.cli;

import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Autograd;
import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;

/**
 * Training steps of a throw-away copy of the job's MLP, with the job's optimizer, on random data, run while
 * MNIST's training images decompress and the main thread would wait for them. The job's first batch then no
 * longer pays for loading, linking and first running the step's classes and lambdas (100-250 ms cold, most of
 * it in the interpreter), and the JIT's counters start earlier. The steps run in parts, and only in that wait:
 * warming up on a thread of its own, longer, slowed the data as much as it sped the first epoch
 * (docs/kernels.md, "Time to result"). Once the data is ready, {@link #finishInBackground} completes
 * {@link #BACKGROUND_STEPS} whole steps on a thread of its own, beside the job's first batches: the job's first
 * backward pass waits for the JIT to compile its kernels, and the second core would otherwise idle meanwhile.
 *
 * <p>Only for MLPs whose step is as small as the lesson's: a bigger step would run on long past the decoding,
 * and a smaller stand-in would teach the JIT another shape's profile. The copy is built with the default
 * generator's state saved and restored, so the job's own model and data order are the same as without it.
 */
final class StepWarmUp implements Runnable {
    /** The most multiply-adds a step's forward pass may take: the lesson's 784-50-10 at batch 50 takes 2.0 M. */
    static final long MAX_MACS = 4_000_000;
    /**
     * The whole steps done in all once the data is ready: one more ran beside the job's first epoch, slowing it
     * (docs/kernels.md, "The warm-up finished on a thread of its own").
     */
    static final int BACKGROUND_STEPS = 2;

    private final TrainingOptions job;
    private final int in;
    private final int classes;
    private final Generator random = new Generator(0);
    private Sequential model;
    private Optimizer optimizer;
    private Tensor x;
    private Tensor y;
    private Tensor loss;
    private int part;
    private int steps;

    private StepWarmUp(TrainingOptions job, int in, int classes) {
        this.job = job;
        this.in = in;
        this.classes = classes;
    }

    /** The warm-up for {@code job} on images of {@code in} pixels in {@code classes} classes, or null if none. */
    static StepWarmUp of(TrainingOptions job, int in, int classes) {
        if (!job.model.equals(ModelFiles.MLP)) {
            return null;
        }
        long macs = 0;
        int width = in;
        for (int next : job.hidden) {
            macs += (long) job.batchSize * width * next;
            width = next;
        }
        macs += (long) job.batchSize * width * classes;
        return macs <= MAX_MACS ? new StepWarmUp(job, in, classes) : null;
    }

    /**
     * A part of a training step: the forward pass and loss, the backward pass, or the update, in turn; after
     * the first step, a forward pass in evaluation mode, as validation runs it. Cold, a whole step takes longer
     * than the decoding leaves; in parts, the images wait for one part at most.
     */
    @Override
    public void run() {
        if (model == null) {
            build();
        }
        switch (part++ % 3) {
            case 0 -> loss = Functional.crossEntropy(model.forward(x), y);
            case 1 -> loss.backward();
            default -> {
                optimizer.step();
                optimizer.zeroGrad();
                loss = null;
                if (steps++ == 0) {
                    evaluate();
                }
            }
        }
    }

    private void evaluate() {
        model.eval();
        try (Autograd.NoGrad off = Autograd.noGrad()) {
            Functional.crossEntropy(model.forward(x), y);
        }
        model.train();
    }

    /**
     * Runs parts on a new daemon thread until {@link #BACKGROUND_STEPS} steps are whole, unless no part ran
     * before: building the copy reads and restores the default generator, which the job is about to use. The
     * copy's model, data and generator are its own, and autograd's and the kernels' scratch state is per thread,
     * so the job's results are the same bits. This object must not be run on any other thread from then on.
     *
     * @return the thread, started; null if nothing is left to do
     */
    Thread finishInBackground() {
        if (model == null || steps >= BACKGROUND_STEPS) {
            return null;
        }
        Thread thread = new Thread(() -> {
            while (steps < BACKGROUND_STEPS) {
                run();
            }
        }, "minibatch-warm-up");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The training steps done whole. */
    int steps() {
        return steps;
    }

    private void build() {
        Generator shared = Minibatch.defaultGenerator();
        long[] state = shared.getState();
        try {
            model = job.model(in, classes);
        } finally {
            shared.setState(state);
        }
        optimizer = job.optimizer(model.parameters());
        x = Tensor.rand(random, job.batchSize, in);
        y = Tensor.randint(random, 0, classes, job.batchSize);
    }
}
