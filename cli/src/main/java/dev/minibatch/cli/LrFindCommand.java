package dev.minibatch.cli;

import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Sequential;
import dev.minibatch.train.DataLoaders;
import dev.minibatch.train.LRFinder;
import dev.minibatch.train.Learner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code minibatch lr-find}: fastai's learning-rate range test on the model {@code train} would build. */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
        description = {"Sweeps the learning rate exponentially over at most --num-it batches, prints the suggested "
                + "rates and draws the loss against the rate.",
                "Use the valley as the peak of a one-cycle schedule: train --schedule onecycle --lr <valley>."})
final class LrFindCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Option(names = "--start-lr", defaultValue = "1e-7", description = "Default: ${DEFAULT-VALUE}.")
    double startLr = 1e-7;

    @Option(names = "--end-lr", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
    double endLr = 10;

    @Option(names = "--num-it", defaultValue = "100", paramLabel = "BATCHES",
            description = "The most batches to sweep (default: ${DEFAULT-VALUE}).")
    int numIt = 100;

    @Option(names = "--out", paramLabel = "PNG", description = "The plot (default: runs/<dataset>/lr_find.png).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        training.check(spec);
        LRFinder finder;
        try {
            finder = LRFinder.builder().startLr(startLr).endLr(endLr).numIt(numIt).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path png = out != null ? out : Path.of("runs", data.name(), "lr_find.png");
        if (png.toAbsolutePath().getParent() != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
        }
        TrainingOptions.Setup setup = training.build(data);
        Sequential model = setup.model();
        DataLoaders dls = setup.loaders();
        LRFinder.Result r = finder.run(new Learner(model, Functional::crossEntropy, setup.optimizer(), dls.train(),
                dls.valid()));
        r.plot(png);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(model);
        stdout.printf(Locale.ROOT, "swept %d batches from lr %.1e to %.1e%n", r.lrs().length, r.lrs()[0],
                r.lrs()[r.lrs().length - 1]);
        stdout.printf(Locale.ROOT, "suggested: valley %.2e, steepest descent %.2e; plot saved to %s%n", r.valley(),
                r.steep(), png);
        stdout.printf(Locale.ROOT, "try: minibatch train --schedule onecycle --lr %.2g%n", r.valley());
        return 0;
    }
}
