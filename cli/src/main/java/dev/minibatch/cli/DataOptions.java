package dev.minibatch.cli;

import dev.minibatch.datasets.DatasetNotFoundException;
import dev.minibatch.datasets.FashionMnist;
import dev.minibatch.datasets.Mnist;
import dev.minibatch.datasets.MnistPickle;
import dev.minibatch.datasets.Splits;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Which dataset, and where its files are: the options shared by every command that reads data. */
final class DataOptions {
    enum Dataset {
        mnist, fashion_mnist;

        static Dataset parse(String s) {
            return switch (s) {
                case "mnist" -> mnist;
                case "fashion-mnist", "fashion_mnist" -> fashion_mnist;
                default -> throw new CommandLine.TypeConversionException("unknown dataset '" + s
                        + "' (expected mnist or fashion-mnist)");
            };
        }
    }

    @Option(names = "--dataset", paramLabel = "NAME", converter = DatasetConverter.class,
            description = "mnist or fashion-mnist (default: the one the model or the resumed checkpoint records, else "
                    + "${DEFAULT-VALUE}).", defaultValue = "mnist")
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

    /** What a checkpoint and model file record: the dataset (its files may move, so not --data). */
    void addTo(RunSettings s) {
        s.add("dataset", name(), v -> dataset = Dataset.parse(v));
    }

    /**
     * The dataset the model was trained on, unless {@code --dataset} names it; another is refused (a bad
     * option), as its images would be read as the model's classes.
     */
    void useModelsDataset(Path model, CommandSpec spec) throws IOException {
        Map<String, String> recorded = new LinkedHashMap<>(ModelFiles.metadata(model));
        recorded.putIfAbsent("dataset", "mnist"); // files from before the dataset was recorded were MNIST's
        RunSettings s = new RunSettings();
        addTo(s);
        s.applyUnlessGiven(recorded, spec);
        s.checkAgainst(recorded, "the model " + model, spec);
    }

    Splits load() throws IOException {
        return load(null);
    }

    /**
     * The splits; {@code whileDecoding} runs while MNIST's (or Fashion-MNIST's) training images decompress and
     * convert to floats.
     */
    Splits load(Runnable whileDecoding) throws IOException {
        if (data != null && !Files.exists(data)) {
            throw new IOException(data + ": no such file or folder");
        }
        if (data != null && Files.isRegularFile(data)) {
            return MnistPickle.load(data);
        }
        try {
            if (dataset == Dataset.fashion_mnist) {
                return FashionMnist.load(data, FashionMnist.MIRRORS, whileDecoding);
            }
            return Mnist.load(data, Mnist.MIRRORS, whileDecoding);
        } catch (DatasetNotFoundException e) {
            throw new IOException(notFound(e, name()));
        }
    }

    /** The library's message speaks to a Java caller ({@code load(dir)}); this one to a user of the command. */
    static String notFound(DatasetNotFoundException e, String folder) {
        String download = e.getCause() == null ? "" : " and could not be downloaded (" + firstProblem(e.getCause()) + ")";
        return e.dataset() + " is not available: " + String.join(", ", e.missing()) + " are not in " + e.target()
                + download + "; put the four files (plain or .gz) in a folder and pass --data DIR, or set "
                + "MINIBATCH_DATA to a folder holding " + folder + "/";
    }

    /** A failed download lists every mirror's problem; the first says enough (offline, say). */
    private static String firstProblem(Throwable failure) {
        String m = String.valueOf(failure.getMessage());
        int start = m.indexOf(": ");
        int end = m.indexOf("; ");
        return m.substring(start < 0 ? 0 : start + 2, end < 0 ? m.length() : end);
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
