package dev.minibatch.cli;

import dev.minibatch.datasets.DigitImages;
import dev.minibatch.nn.Functional;
import dev.minibatch.nn.Sequential;
import dev.minibatch.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code minibatch predict}: the class of each image, and the model's probability for it. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predicts the digit (or Fashion-MNIST class) in PNG or JPEG images.",
                "Images are grey-scaled, inverted when their background is light, and scaled and centred "
                        + "into 28x28 as MNIST's digits were."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model written by 'minibatch train'.")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG or JPEG files.")
    List<Path> images;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Sequential net = ModelFiles.load(model);
        List<String> names = DataOptions.classNames(ModelFiles.metadata(model).getOrDefault("dataset", "mnist"));
        for (Path image : images) {
            Tensor p = Functional.softmax(Inference.logits(net, DigitImages.load(image)), 1);
            int k = p.argmax(1).toIntArray()[0];
            out.printf("%s: %s (probability %.3f)%n", image, names.get(k), p.get(0, k));
        }
        return 0;
    }
}
