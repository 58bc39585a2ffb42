package dev.minibatch.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Sums or averages an array across ranks, over direct TCP connections: a reduce-scatter, then an
 * all-gather. The array is cut into one chunk per rank (sizes differ by at most one value); every rank
 * sends each chunk straight to the rank that owns it, which sums the N copies <em>in rank order</em>
 * ({@code ((0 + x0) + x1) + ... }), then sends the sum back to every rank. So each rank sends and receives
 * {@code 2(N-1)/N} of the array per call, as in a ring all-reduce, but the result does not depend on the
 * order in which the pieces arrive nor on the chunking: it is the same bits on every rank, in every run,
 * as a plain loop over the ranks.
 *
 * <p>A rank that dies or hangs ends the call on every other rank with a {@link PeerException} naming it,
 * after at most the read timeout.
 */
public final class AllReduce implements AutoCloseable {
    private final Peers peers;
    private float[] sum = new float[0];

    private AllReduce(Peers peers) {
        this.peers = peers;
    }

    /**
     * Connects to the other ranks. {@code addresses} holds every rank's address, in rank order (a barrier
     * task's allGather gives them so); {@code server} listens on this rank's.
     *
     * @param timeout how long a read waits for a peer before it counts as dead or hung
     */
    public static AllReduce connect(int rank, List<InetSocketAddress> addresses, ServerSocket server, Duration timeout)
            throws IOException {
        if (rank < 0 || rank >= addresses.size()) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + (addresses.size() - 1) + "]");
        }
        return new AllReduce(Peers.connect(rank, addresses, server, timeout));
    }

    public int rank() {
        return peers.rank();
    }

    /** The number of ranks. */
    public int size() {
        return peers.size();
    }

    /** Divides each value by the number of ranks after {@link #sum}: the mean of the ranks' arrays. */
    public void average(float[] data) {
        sum(data);
        float n = size();
        for (int i = 0; i < data.length; i++) {
            data[i] /= n;
        }
    }

    /** Replaces {@code data} with the element-wise sum of every rank's {@code data}, of the same length on all. */
    public void sum(float[] data) {
        int n = size();
        int rank = rank();
        if (n == 1) {
            return;
        }
        List<Future<?>> sends = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            if (p != rank) {
                sends.add(peers.send(p, data, start(p, data.length), start(p + 1, data.length)));
            }
        }
        int from = start(rank, data.length);
        int count = start(rank + 1, data.length) - from;
        sum = sum.length >= count ? sum : new float[count];
        Arrays.fill(sum, 0, count, 0f);
        for (int p = 0; p < n; p++) {
            if (p == rank) {
                for (int i = 0; i < count; i++) {
                    sum[i] += data[from + i];
                }
            } else {
                FloatBuffer piece = peers.receive(p, count);
                for (int i = 0; i < count; i++) {
                    sum[i] += piece.get(i);
                }
            }
        }
        peers.await(sends);
        System.arraycopy(sum, 0, data, from, count);
        allGather(data);
    }

    /** Each rank sends its own chunk to all, and receives every other chunk in its place. */
    private void allGather(float[] data) {
        int rank = rank();
        int from = start(rank, data.length);
        int to = start(rank + 1, data.length);
        List<Future<?>> sends = new ArrayList<>();
        for (int p = 0; p < size(); p++) {
            if (p != rank) {
                sends.add(peers.send(p, data, from, to));
            }
        }
        for (int p = 0; p < size(); p++) {
            if (p != rank) {
                int at = start(p, data.length);
                peers.receive(p, start(p + 1, data.length) - at).get(data, at, start(p + 1, data.length) - at);
            }
        }
        peers.await(sends);
    }

    /** Replaces {@code data} on every rank with {@code root}'s. */
    public void broadcast(float[] data, int root) {
        if (root < 0 || root >= size()) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of " + size());
        }
        if (rank() == root) {
            List<Future<?>> sends = new ArrayList<>();
            for (int p = 0; p < size(); p++) {
                if (p != root) {
                    sends.add(peers.send(p, data, 0, data.length));
                }
            }
            peers.await(sends);
        } else {
            peers.receive(root, data.length).get(data);
        }
    }

    /** Where chunk {@code c} of an array of {@code length} values starts; chunk sizes differ by at most one. */
    private int start(int c, int length) {
        return (int) ((long) c * length / size());
    }

    @Override
    public void close() {
        peers.close();
    }
}
