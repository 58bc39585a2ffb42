package dev.minibatch.spark;

import dev.minibatch.tensor.Generator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllReduceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Values of a wide range of magnitudes, so that a different order of addition would change the bits. */
    private static float[] values(int rank, int length) {
        Generator g = new Generator(100 + rank);
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = g.nextGaussian() * (float) Math.pow(10, g.nextInt(9) - 4);
        }
        return x;
    }

    /** The reference: a plain loop over the ranks, in rank order. */
    private static float[] plainSum(int n, int length) {
        float[] s = new float[length];
        for (int r = 0; r < n; r++) {
            float[] x = values(r, length);
            for (int i = 0; i < length; i++) {
                s[i] += x[i];
            }
        }
        return s;
    }

    @Test
    void sumEqualsAPlainSumInRankOrderBitForBitForOneToFourRanks() throws Exception {
        for (int n = 1; n <= 4; n++) {
            for (int length : new int[] {0, 1, 3, 10, 1001, 636_010}) {
                try (LocalRanks ranks = LocalRanks.connect(n, TIMEOUT)) {
                    List<float[]> got = ranks.run(r -> () -> {
                        float[] x = values(r, length);
                        ranks.rank(r).sum(x);
                        return x;
                    });
                    float[] expected = plainSum(n, length);
                    for (int r = 0; r < n; r++) {
                        assertArrayEquals(expected, got.get(r), "rank " + r + " of " + n + ", " + length + " values");
                    }
                }
            }
        }
    }

    @Test
    void unevenChunksFewerValuesThanRanksAndRepeatedCalls() throws Exception {
        try (LocalRanks ranks = LocalRanks.connect(4, TIMEOUT)) {
            for (int length : new int[] {2, 7, 5, 13}) {
                List<float[]> got = ranks.run(r -> () -> {
                    float[] x = values(r, length);
                    ranks.rank(r).sum(x);
                    return x;
                });
                got.forEach(x -> assertArrayEquals(plainSum(4, length), x, length + " values"));
            }
        }
    }

    @Test
    void averageDividesTheSumByTheNumberOfRanks() throws Exception {
        try (LocalRanks ranks = LocalRanks.connect(3, TIMEOUT)) {
            List<float[]> got = ranks.run(r -> () -> {
                float[] x = {r, 10 * r, 1};
                ranks.rank(r).average(x);
                return x;
            });
            got.forEach(x -> assertArrayEquals(new float[] {1, 10, 1}, x));
        }
    }

    @Test
    void broadcastGivesEveryRankTheRootsValues() throws Exception {
        try (LocalRanks ranks = LocalRanks.connect(4, TIMEOUT)) {
            List<float[]> got = ranks.run(r -> () -> {
                float[] x = values(r, 50);
                ranks.rank(r).broadcast(x, 2);
                return x;
            });
            got.forEach(x -> assertArrayEquals(values(2, 50), x));
        }
    }

    @Test
    void aRankThatClosesEndsTheCallOnTheOthersNamingIt() throws Exception {
        try (LocalRanks ranks = LocalRanks.connect(3, TIMEOUT)) {
            ranks.rank(2).close();
            List<Future<?>> calls = new ArrayList<>();
            var pool = Executors.newFixedThreadPool(2);
            for (int r = 0; r < 2; r++) {
                int rank = r;
                calls.add(pool.submit(() -> ranks.rank(rank).sum(values(rank, 100))));
            }
            for (Future<?> f : calls) {
                PeerException e = assertInstanceOf(PeerException.class,
                        assertThrows(ExecutionException.class, f::get).getCause());
                assertEquals(2, e.peer(), e.getMessage());
                assertTrue(e.getMessage().contains("rank 2"), e.getMessage());
            }
            pool.shutdownNow();
        }
    }

    @Test
    void aRankThatHangsEndsTheCallOnTheOthersAfterTheTimeout() throws Exception {
        try (LocalRanks ranks = LocalRanks.connect(3, Duration.ofMillis(300))) {
            var pool = Executors.newFixedThreadPool(2);
            List<Future<?>> calls = new ArrayList<>();
            for (int r : new int[] {0, 2}) {
                calls.add(pool.submit(() -> ranks.rank(r).sum(values(r, 100))));
            }
            for (Future<?> f : calls) {
                PeerException e = assertInstanceOf(PeerException.class,
                        assertThrows(ExecutionException.class, f::get).getCause());
                assertEquals(1, e.peer());
                assertTrue(e.getMessage().contains("rank 1 is dead or hung"), e.getMessage());
            }
            pool.shutdownNow();
        }
    }
}
