package dev.minibatch.cli;

import dev.minibatch.datasets.FashionMnist;
import dev.minibatch.datasets.Mnist;
import dev.minibatch.datasets.MnistPickle;
import dev.minibatch.datasets.Splits;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/** Which dataset, and where its files are: the options shared by every command that reads data. */
final class DataOptions {
    enum Dataset {
        mnist, fashion_mnist;

        static Dataset parse(String s) {
            return switch (s) {
                case "mnist" -> mnist;
                case "fashion-mnist", "fashion_mnist" -> fashion_mnist;
                default -> throw new IllegalArgumentException("unknown dataset '" + s
                        + "' (expected mnist or fashion-mnist)");
            };
        }
    }

    @Option(names = "--dataset", paramLabel = "NAME", converter = DatasetConverter.class,
            description = "mnist or fashion-mnist (default: ${DEFAULT-VALUE}).", defaultValue = "mnist")
    Dataset dataset = Dataset.mnist;

    @Option(names = "--data", paramLabel = "PATH", description = "A folder holding the four IDX files, or the "
            + "lesson's mnist.pkl.gz. Default: $MINIBATCH_DATA/<dataset>, else ~/.cache/minibatch (downloaded once).")
    Path data;

    static final class DatasetConverter implements picocli.CommandLine.ITypeConverter<Dataset> {
        @Override
        public Dataset convert(String value) {
            return Dataset.parse(value);
        }
    }

    String name() {
        return dataset == Dataset.mnist ? "mnist" : "fashion-mnist";
    }

    Splits load() throws IOException {
        if (data != null && !Files.exists(data)) {
            throw new IOException(data + ": no such file or folder");
        }
        if (data != null && Files.isRegularFile(data)) {
            return MnistPickle.load(data);
        }
        if (dataset == Dataset.fashion_mnist) {
            return data == null ? FashionMnist.load() : FashionMnist.load(data);
        }
        return data == null ? Mnist.load() : Mnist.load(data);
    }

    List<String> classNames() {
        return classNames(name());
    }

    /** The class names of a dataset by its name ({@code mnist}, {@code fashion-mnist}): digits unless Fashion-MNIST. */
    static List<String> classNames(String dataset) {
        return dataset.equals("fashion-mnist") ? FashionMnist.CLASSES
                : IntStream.range(0, 10).mapToObj(Integer::toString).toList();
    }
}
