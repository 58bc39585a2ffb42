package dev.minibatch.cli;

import dev.minibatch.data.Batch;
import dev.minibatch.data.Dataset;
import dev.minibatch.data.RandomShift;
import dev.minibatch.data.TensorDataset;
import dev.minibatch.datasets.Splits;
import dev.minibatch.nn.Sequential;
import dev.minibatch.optim.Adam;
import dev.minibatch.optim.AdamW;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.optim.SGD;
import dev.minibatch.tensor.Minibatch;
import dev.minibatch.tensor.Tensor;
import dev.minibatch.train.DataLoaders;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The model, optimizer and run settings shared by {@code train} and {@code lr-find}. */
final class TrainingOptions {
    /** The CNN takes 28x28 grey images, as MNIST, Fashion-MNIST and the lesson's pickle hold. */
    private static final int MNIST_PIXELS = 784;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = ModelFiles.MLP,
            description = "mlp (Linear-ReLU layers of --hidden sizes) or cnn (two convolutions with batch norm, "
                    + "for 28x28 images) (default: ${DEFAULT-VALUE}).")
    String model = ModelFiles.MLP;

    @Option(names = "--shift", paramLabel = "PIXELS", defaultValue = "0",
            description = "Augmentation: shift each training image by up to PIXELS in each direction, at random "
                    + "(default: ${DEFAULT-VALUE}).")
    int shift;

    /** For tests: train on the first N training images only. */
    @Option(names = "--train-subset", hidden = true, paramLabel = "N")
    Integer trainSubset;

    @Option(names = "--hidden", split = ",", paramLabel = "N[,N...]", defaultValue = "50",
            description = "Hidden layer sizes, e.g. 800 or 256,128 (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden = new ArrayList<>(List.of(50));

    @Option(names = {"--batch-size", "--bs"}, defaultValue = "50", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize = 50;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer = "sgd";

    @Option(names = "--lr", description = "Learning rate; the peak rate with --schedule onecycle "
            + "(default: 0.5 for sgd, 0.001 for adam and adamw).")
    Float lr;

    @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--nesterov", description = "SGD with Nesterov momentum.")
    boolean nesterov;

    @Option(names = "--weight-decay", description = "Default: 0, or 0.01 for adamw.")
    Float weightDecay;

    @Option(names = "--betas", split = ",", paramLabel = "B1,B2", description = "Adam's betas (default: 0.9,0.999).")
    List<Float> betas;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initialisation and the shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--workers", defaultValue = "0", description = "Data loading threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    /** Refuses settings that cannot run, naming them, as a bad option (exit status 2). */
    void check(CommandSpec spec) {
        require(spec, batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
        require(spec, workers >= 0, "--workers must be >= 0, got " + workers);
        require(spec, threads == null || threads >= 1, "--threads must be >= 1, got " + threads);
        require(spec, List.of(ModelFiles.MLP, ModelFiles.CNN).contains(model),
                "unknown model '" + model + "' (expected " + ModelFiles.MLP + " or " + ModelFiles.CNN + ")");
        require(spec, shift >= 0, "--shift must be >= 0 pixels, got " + shift);
        require(spec, trainSubset == null || trainSubset >= 1, "--train-subset must be >= 1, got " + trainSubset);
        require(spec, hidden.stream().allMatch(h -> h >= 1), "hidden sizes must be positive, got " + hidden);
        require(spec, List.of("sgd", "adam", "adamw").contains(optimizer),
                "unknown optimizer '" + optimizer + "' (expected sgd, adam or adamw)");
        require(spec, lr == null || lr > 0, "--lr must be > 0, got " + lr);
        require(spec, momentum >= 0, "--momentum must be >= 0, got " + momentum);
        require(spec, weightDecay == null || weightDecay >= 0, "--weight-decay must be >= 0, got " + weightDecay);
        require(spec, betas == null || betas.size() == 2, "--betas takes two values, got " + betas);
        require(spec, betas == null || betas.stream().allMatch(b -> b >= 0 && b < 1),
                "--betas must be in [0, 1), got " + betas);
    }

    private static void require(CommandSpec spec, boolean ok, String problem) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), problem);
        }
    }

    /** What these settings build: the data, and the model, optimizer and loaders seeded from {@link #seed}. */
    record Setup(Splits splits, Sequential model, Optimizer optimizer, DataLoaders loaders) {
    }

    /** Sets the threads and the seed, loads the data and builds the model, optimizer and loaders, in that order. */
    Setup build(DataOptions data) throws IOException {
        if (threads != null) {
            Minibatch.setNumThreads(threads);
        }
        Minibatch.manualSeed(seed);
        // MNIST's files hold 28x28 images of 10 classes; a pickle (read without a wait) gets no warm-up.
        StepWarmUp warmUp = StepWarmUp.of(this, MNIST_PIXELS, 10);
        Splits splits = data.load(warmUp);
        if (warmUp != null) {
            warmUp.finishInBackground();
        }
        Sequential model = model(splits.train().tensor(0).size(1), splits.numClasses());
        Optimizer opt = optimizer(model.parameters());
        DataLoaders dls = DataLoaders.of(trainSet(splits), splits.valid(), batchSize, seed, workers);
        return new Setup(splits, model, opt, dls);
    }

    /** The job's model for inputs of {@code in} features and {@code classes} classes. */
    Sequential model(int in, int classes) {
        if (model.equals(ModelFiles.CNN)) {
            if (in != MNIST_PIXELS) {
                throw new IllegalArgumentException("--model cnn takes 28x28 grey images (784 pixels), got " + in);
            }
            return ModelFiles.cnn(classes);
        }
        return ModelFiles.mlp(in, hidden, classes);
    }

    /** The training set (or its first {@code --train-subset} images), shifted at random if {@code --shift} asks. */
    private Dataset<Batch> trainSet(Splits splits) {
        TensorDataset train = splits.train();
        if (trainSubset != null && trainSubset < train.size()) {
            train = new TensorDataset(train.tensor(0).slice(0, 0, trainSubset), train.tensor(1).slice(0, 0, trainSubset));
        }
        return shift == 0 ? train : new RandomShift(train, splits.imageShape(), shift, seed);
    }

    Optimizer optimizer(List<Tensor> params) {
        return switch (optimizer) {
            case "sgd" -> SGD.builder(params).lr(lr()).momentum(momentum).nesterov(nesterov)
                    .weightDecay(weightDecay()).build();
            case "adam" -> adam(Adam.builder(params));
            default -> adam(AdamW.builder(params));
        };
    }

    /** The learning rate given, or the optimizer's default here. */
    float lr() {
        return lr != null ? lr : optimizer.equals("sgd") ? 0.5f : 1e-3f;
    }

    /** The weight decay given, or the optimizer's default here. */
    float weightDecay() {
        return weightDecay != null ? weightDecay : optimizer.equals("adamw") ? 1e-2f : 0f;
    }

    private Optimizer adam(Adam.Builder<? extends Adam> b) {
        b.lr(lr()).weightDecay(weightDecay());
        if (betas != null) {
            b.betas(betas.get(0), betas.get(1));
        }
        return b.build();
    }

    /** What a checkpoint and model file record of these settings: the values in effect, defaults included. */
    void addTo(RunSettings s) {
        s.add(ModelFiles.MODEL_KEY, model, v -> model = v)
                .add("shift", shift, v -> shift = Integer.parseInt(v))
                .add("hidden", hidden, v -> hidden = RunSettings.ints(v))
                .add("batch_size", batchSize, v -> batchSize = Integer.parseInt(v))
                .add("optimizer", optimizer, v -> optimizer = v)
                .add("lr", lr(), v -> lr = Float.valueOf(v))
                .add("momentum", momentum, v -> momentum = Float.parseFloat(v))
                .add("nesterov", nesterov, v -> nesterov = Boolean.parseBoolean(v))
                .add("weight_decay", weightDecay(), v -> weightDecay = Float.valueOf(v))
                .add("betas", betas != null ? betas : List.of(0.9f, 0.999f), v -> betas = RunSettings.floats(v))
                .add("seed", seed, v -> seed = Long.parseLong(v));
    }
}
