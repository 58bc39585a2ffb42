package dev.minibatch.cli;

import picocli.CommandLine.Option;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code train}'s options for data-parallel training on Spark. */
final class SparkOptions {
    private static final Pattern LOCAL = Pattern.compile("local\\[([0-9]+|\\*)(, *[0-9]+)?]");
    @Option(names = "--spark", paramLabel = "MASTER", description = "Train data-parallel on Spark: local[4] runs 4 "
            + "ranks in this JVM; under spark-submit, 'submit' takes spark-submit's master (see the README).")
    String master;

    @Option(names = "--ranks", paramLabel = "N", description = "Ranks (one barrier task each) for --spark "
            + "(default: N of local[N]; required on a cluster).")
    Integer ranks;

    boolean enabled() {
        return master != null;
    }

    /** The master for Spark, or null for spark-submit's. */
    String sparkMaster() {
        return master.equals("submit") ? null : master;
    }

    /** --ranks, or the task slots of a local[N] or local[N, F] master (*: the cores); -1 if neither says. */
    int ranks() {
        if (ranks != null) {
            return ranks;
        }
        Matcher m = LOCAL.matcher(master);
        if (!m.matches()) {
            return -1;
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }
}
