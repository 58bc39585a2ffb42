package dev.minibatch.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A TCP connection to every other rank, for the collectives of {@link AllReduce}. Each peer has its own
 * sending thread, so a rank sends to all of its peers while its caller reads from them, and messages to
 * one peer keep their order. Every read has a timeout, so a peer that died or hung ends the operation with
 * a {@link PeerException} naming it instead of blocking forever.
 */
final class Peers implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final int rank;
    private final int size;
    private final Duration timeout;
    private final Socket[] sockets;
    private final DataInputStream[] in;
    private final DataOutputStream[] out;
    private final ExecutorService[] senders;
    private final byte[][] receiveBuffers;
    private final byte[][] sendBuffers;

    private Peers(int rank, int size, Duration timeout) {
        this.rank = rank;
        this.size = size;
        this.timeout = timeout;
        sockets = new Socket[size];
        in = new DataInputStream[size];
        out = new DataOutputStream[size];
        senders = new ExecutorService[size];
        receiveBuffers = new byte[size][0];
        sendBuffers = new byte[size][0];
    }

    /**
     * Connects rank {@code rank} to every address of {@code addresses} but its own (which {@code server}
     * listens on): it dials the higher ranks and accepts the lower ones, which introduce themselves by rank.
     */
    static Peers connect(int rank, List<InetSocketAddress> addresses, ServerSocket server, Duration timeout)
            throws IOException {
        Peers peers = new Peers(rank, addresses.size(), timeout);
        try {
            for (int p = rank + 1; p < addresses.size(); p++) {
                Socket s = new Socket();
                s.connect(addresses.get(p), (int) timeout.toMillis());
                peers.attach(p, s);
                peers.out[p].writeInt(rank);
                peers.out[p].flush();
            }
            server.setSoTimeout((int) timeout.toMillis());
            for (int accepted = 0; accepted < rank; accepted++) {
                Socket s = server.accept();
                int p = new DataInputStream(s.getInputStream()).readInt();
                if (p < 0 || p >= rank || peers.sockets[p] != null) {
                    s.close();
                    throw new IOException("rank " + rank + ": a connection introduced itself as rank " + p
                            + ", expected a lower rank not yet connected");
                }
                peers.attach(p, s);
            }
            return peers;
        } catch (IOException | RuntimeException e) {
            peers.close();
            throw e;
        }
    }

    private void attach(int p, Socket s) throws IOException {
        s.setTcpNoDelay(true);
        s.setSoTimeout((int) timeout.toMillis());
        sockets[p] = s;
        in[p] = new DataInputStream(new BufferedInputStream(s.getInputStream(), BUFFER));
        out[p] = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), BUFFER));
        int self = rank;
        senders[p] = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "minibatch-peer-" + self + "-to-" + p);
            t.setDaemon(true);
            return t;
        });
    }

    int rank() {
        return rank;
    }

    int size() {
        return size;
    }

    /** Sends {@code data[from, to)} to {@code peer} on its sending thread; the values must not change until done. */
    Future<?> send(int peer, float[] data, int from, int to) {
        return senders[peer].submit(() -> {
            try {
                byte[] bytes = sendBuffers[peer] = grow(sendBuffers[peer], (to - from) * Float.BYTES);
                floats(bytes).put(data, from, to - from);
                out[peer].writeInt(to - from);
                out[peer].write(bytes, 0, (to - from) * Float.BYTES);
                out[peer].flush();
            } catch (IOException e) {
                throw new PeerException(peer, "rank " + rank + " could not send to rank " + peer + ": "
                        + e.getMessage(), e);
            }
            return null;
        });
    }

    /** Waits for sends, turning a failed one into its {@link PeerException}. */
    void await(List<Future<?>> sends) {
        for (Future<?> f : sends) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof PeerException pe ? pe
                        : new IllegalStateException("rank " + rank + ": a send failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("rank " + rank + ": interrupted while sending", e);
            }
        }
    }

    /** Reads {@code peer}'s next message, which must hold {@code count} values, as a view of its bytes. */
    FloatBuffer receive(int peer, int count) {
        try {
            int got = in[peer].readInt();
            if (got != count) {
                throw new PeerException(peer, "rank " + peer + " sent " + got + " values where rank " + rank
                        + " expected " + count + ": the ranks are out of step", null);
            }
            byte[] bytes = receiveBuffers[peer] = grow(receiveBuffers[peer], count * Float.BYTES);
            in[peer].readFully(bytes, 0, count * Float.BYTES);
            return floats(bytes);
        } catch (SocketTimeoutException e) {
            throw new PeerException(peer, "rank " + rank + " received nothing from rank " + peer + " in "
                    + timeout.toSeconds() + " s: rank " + peer + " is dead or hung", e);
        } catch (EOFException e) {
            throw new PeerException(peer, "rank " + peer + " closed its connection to rank " + rank
                    + " (its task ended)", e);
        } catch (IOException e) {
            throw new PeerException(peer, "rank " + rank + " lost rank " + peer + ": " + e.getMessage(), e);
        }
    }

    private static byte[] grow(byte[] buffer, int bytes) {
        return buffer.length >= bytes ? buffer : new byte[bytes];
    }

    private static FloatBuffer floats(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** Closes every connection and stops the sending threads; a peer blocked on this rank then fails at once. */
    @Override
    public void close() {
        for (int p = 0; p < size; p++) {
            if (senders[p] != null) {
                senders[p].shutdownNow();
            }
            if (sockets[p] != null) {
                try {
                    sockets[p].close();
                } catch (IOException ignored) {
                    // closing is best effort: the peer sees the connection end either way
                }
            }
        }
    }
}
