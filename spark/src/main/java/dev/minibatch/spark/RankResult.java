package dev.minibatch.spark;

import java.io.Serializable;

/**
 * What one rank reports at the end of a {@link SparkTrainer} run.
 *
 * @param rank             the rank
 * @param stageAttempt     Spark's attempt of the barrier stage that finished (0 unless a task failed)
 * @param resumedAfter     the checkpoint's epoch this attempt started from (0 for a fresh start)
 * @param steps            optimizer steps this attempt took
 * @param parameterDigest  SHA-256 of the final parameters' bits: the same on every rank
 */
public record RankResult(int rank, int stageAttempt, int resumedAfter, long steps, String parameterDigest)
        implements Serializable {
}
