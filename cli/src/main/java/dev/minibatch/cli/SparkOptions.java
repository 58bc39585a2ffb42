package dev.minibatch.cli;

import picocli.CommandLine.Option;

/** {@code train}'s options for data-parallel training on Spark. */
final class SparkOptions {
    @Option(names = "--spark", paramLabel = "MASTER", description = "Train data-parallel on Spark: local[4] runs 4 "
            + "ranks in this JVM; under spark-submit, 'submit' takes spark-submit's master (see the README).")
    String master;

    @Option(names = "--ranks", paramLabel = "N", description = "Ranks (one barrier task each) for --spark "
            + "(default: N of local[N]; required on a cluster).")
    Integer ranks;

    boolean enabled() {
        return master != null;
    }
}
