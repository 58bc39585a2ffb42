package dev.minibatch.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** N ranks as threads of this JVM, connected over loopback, for the collectives' tests and benchmark. */
final class LocalRanks implements AutoCloseable {
    private final List<AllReduce> ranks;
    private final ExecutorService threads;

    private LocalRanks(List<AllReduce> ranks, ExecutorService threads) {
        this.ranks = ranks;
        this.threads = threads;
    }

    static LocalRanks connect(int n, Duration timeout) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ServerSocket s = new ServerSocket(0, n, loopback);
            servers.add(s);
            addresses.add(new InetSocketAddress(loopback, s.getLocalPort()));
        }
        ExecutorService threads = Executors.newFixedThreadPool(n);
        List<AllReduce> ranks = each(threads, n, r -> () -> AllReduce.connect(r, addresses, servers.get(r), timeout));
        for (ServerSocket s : servers) {
            s.close();
        }
        return new LocalRanks(ranks, threads);
    }

    AllReduce rank(int r) {
        return ranks.get(r);
    }

    /** Runs {@code work} on every rank at once, each on its own thread, and returns the results in rank order. */
    <T> List<T> run(IntFunction<Callable<T>> work) throws Exception {
        return each(threads, ranks.size(), work);
    }

    private static <T> List<T> each(ExecutorService threads, int n, IntFunction<Callable<T>> work) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            futures.add(threads.submit(work.apply(r)));
        }
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        ranks.forEach(AllReduce::close);
        threads.shutdownNow();
    }
}
