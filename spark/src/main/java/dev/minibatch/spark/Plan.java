package dev.minibatch.spark;

import java.io.Serializable;

/**
 * A {@link SparkTrainer}'s settings, as every rank receives them.
 *
 * @param epochs        epochs to train, in all (a resumed run trains the ones its checkpoint lacks)
 * @param batchSize     samples per rank per step: the global batch is {@code batchSize * workers}
 * @param seed          of the initialisation and of the {@link dev.minibatch.data.DistributedSampler}
 * @param checkpointDir a folder every executor and the driver see; rank 0 writes it after each epoch
 * @param peerTimeoutMillis how long a rank waits for a peer before it counts as dead or hung
 */
record Plan(int epochs, int batchSize, long seed, String checkpointDir, long peerTimeoutMillis) implements Serializable {
}
