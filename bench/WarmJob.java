import dev.minibatch.cli.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The README's main job, {@code minibatch train}, run RUNS times in one JVM (bench/warm-floor.sh): the first run
 * is the user's cold job; the later ones show what the same job takes once the JIT has compiled it, the floor
 * that no warm-up scheme on this JVM can go below. Each run writes into a fresh temporary folder, deleted after,
 * and a full collection between runs (not timed) frees the last run's dataset, so that the next run's data load
 * pays neither a collection nor new memory for it.
 * Usage: WarmJob RUNS [train options...]
 */
public class WarmJob {
    public static void main(String[] args) throws IOException {
        int runs = Integer.parseInt(args[0]);
        for (int i = 1; i <= runs; i++) {
            Path out = Files.createTempDirectory("minibatch-warm-job");
            List<String> line = new ArrayList<>(List.of("train", "--quiet", "--out", out.toString()));
            line.addAll(List.of(args).subList(1, args.length));
            long t0 = System.nanoTime();
            int status = Main.run(line.toArray(new String[0]), new PrintWriter(new StringWriter()),
                    new PrintWriter(System.err, true));
            double seconds = (System.nanoTime() - t0) / 1e9;
            String failed = status == 0 ? "" : " (exit " + status + ")";
            System.out.printf(Locale.ROOT, "run %d: %.3f s%s%n", i, seconds, failed);
            try (Stream<Path> files = Files.walk(out)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            if (status != 0) {
                System.exit(status);
            }
            System.gc();
        }
    }
}
