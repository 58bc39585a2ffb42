package dev.minibatch.spark;

/**
 * A peer failed during a collective operation: it closed its connection (its task ended), sent nothing
 * within the timeout (dead or hung), or sent what the protocol does not allow. The message names both
 * ranks; {@link #peer()} is the one that failed.
 */
public final class PeerException extends RuntimeException {
    private final int peer;

    public PeerException(int peer, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer;
    }

    /** The rank of the peer that failed. */
    public int peer() {
        return peer;
    }
}
