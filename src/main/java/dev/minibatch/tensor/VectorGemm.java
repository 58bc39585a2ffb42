package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Matrix multiply on the Vector API, in the three layouts of a training step ({@code A·B}, {@code Aᵀ·B},
 * {@code A·Bᵀ}), GotoBLAS style: both operands are first copied into panels ("packed") so that the
 * micro-kernel reads them contiguously whatever the layout, then C is computed in tiles of {@link #MR}
 * rows by {@link #NR} columns, each held in sixteen vector registers across a block of {@link #KC} steps.
 *
 * <p>The micro-kernels keep every vector inside one method: a vector passed to a method the JIT does not
 * inline is boxed, and the product drops to scalar speed. So edge tiles are not handled with masks but
 * computed whole (packing pads with zeros) into a scratch tile, of which only the valid part is added to C.
 *
 * <p>Each element of C is the same chain of fused multiply-adds over k, in blocks of {@code KC}, whichever
 * task computes it, so the result does not depend on the number of threads.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of a tile: four broadcasts from packed A per step. */
    private static final int MR = 4;
    /** Columns of a tile: four vectors from packed B per step; 16 accumulators + 4 + 1 fit in 32 registers. */
    private static final int NR = 4 * L;
    /** Depth of a block: a KC x NR slice of packed B (32 KB at 512 bits) stays in the L1 cache. */
    private static final int KC = 128;
    /** Rows and columns of C per task: enough tasks to balance two threads, each large enough to pay. */
    private static final int MC = 256;
    private static final int NC = 4 * NR;
    /** Below this many multiply-adds, handing work to another thread costs more than it saves. */
    static final long PARALLEL_MACS = 4_000_000L;

    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[0]);

    private VectorGemm() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                Arrays.fill(c, cOff, cOff + m * n, 0f);
            }
            return;
        }
        Call call = new Call(m, n, k, c, cOff, accumulate);
        boolean parallel = (long) m * n * k >= PARALLEL_MACS;
        run(parallel, call.aPanels + call.bPanels, t -> {
            if (t < call.aPanels) {
                call.packA(t, transA, a, aOff);
            } else {
                call.packB(t - call.aPanels, transB, b, bOff);
            }
        });
        run(parallel, call.rowBlocks * call.colBlocks, call::block);
    }

    private static void run(boolean parallel, int tasks, java.util.function.IntConsumer task) {
        if (parallel) {
            Parallel.forEach(tasks, task);
        } else {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
        }
    }

    /** One product: its shape, its packed operands (in the calling thread's scratch) and its tasks. */
    private static final class Call {
        final int m;
        final int n;
        final int k;
        final float[] c;
        final int cOff;
        final boolean accumulate;
        final int aPanels;
        final int bPanels;
        final int rowBlocks;
        final int colBlocks;
        final float[] packed;
        /** Packed B follows packed A in {@link #packed}. */
        final int bBase;

        Call(int m, int n, int k, float[] c, int cOff, boolean accumulate) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.c = c;
            this.cOff = cOff;
            this.accumulate = accumulate;
            aPanels = (m + MR - 1) / MR;
            bPanels = (n + NR - 1) / NR;
            rowBlocks = (m + MC - 1) / MC;
            colBlocks = (n + NC - 1) / NC;
            bBase = aPanels * MR * k;
            packed = scratch(bBase + bPanels * NR * k);
        }

        /** Rows {@code MR·ip ..} of op(A) as {@code [k][MR]}, rows past m as zeros. */
        void packA(int ip, boolean transA, float[] a, int aOff) {
            int i0 = ip * MR;
            int rows = Math.min(MR, m - i0);
            int base = ip * MR * k;
            if (rows < MR) {
                Arrays.fill(packed, base, base + MR * k, 0f);
            }
            if (transA) {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(a, aOff + p * m + i0, packed, base + p * MR, rows);
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + r) * k;
                    for (int p = 0; p < k; p++) {
                        packed[base + p * MR + r] = a[src + p];
                    }
                }
            }
        }

        /** Columns {@code NR·jp ..} of op(B) as {@code [k][NR]}, columns past n as zeros. */
        void packB(int jp, boolean transB, float[] b, int bOff) {
            int j0 = jp * NR;
            int cols = Math.min(NR, n - j0);
            int base = bBase + jp * NR * k;
            if (cols < NR) {
                Arrays.fill(packed, base, base + NR * k, 0f);
            }
            if (!transB) {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, bOff + p * n + j0, packed, base + p * NR, cols);
                }
                return;
            }
            // B is [n, k]: a transpose, done in strips of 16 steps so that reads and writes stay in L1.
            for (int p0 = 0; p0 < k; p0 += 16) {
                int p1 = Math.min(k, p0 + 16);
                for (int jj = 0; jj < cols; jj++) {
                    int src = bOff + (j0 + jj) * k;
                    for (int p = p0; p < p1; p++) {
                        packed[base + p * NR + jj] = b[src + p];
                    }
                }
            }
        }

        /** Task {@code t}: one block of up to MC rows by NC columns of C, over all of k. */
        void block(int t) {
            int i0 = t / colBlocks * MC;
            int i1 = Math.min(m, i0 + MC);
            int j0 = t % colBlocks * NC;
            int j1 = Math.min(n, j0 + NC);
            if (!accumulate) {
                for (int i = i0; i < i1; i++) {
                    Arrays.fill(c, cOff + i * n + j0, cOff + i * n + j1, 0f);
                }
            }
            float[] tile = new float[MR * NR];
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                for (int j = j0; j < j1; j += NR) {
                    int bi = bBase + j * k + pc * NR;
                    int cols = Math.min(NR, n - j);
                    for (int i = i0; i < i1; i += MR) {
                        int ai = i * k + pc * MR;
                        int rows = Math.min(MR, m - i);
                        tile(ai, bi, kc, i, j, rows, cols, tile);
                    }
                }
            }
        }

        private void tile(int ai, int bi, int kc, int i, int j, int rows, int cols, float[] tile) {
            int ci = cOff + i * n + j;
            boolean narrow = cols <= L;
            if (rows == MR && cols == (narrow ? L : NR)) {
                if (narrow) {
                    kernel4x1(packed, ai, bi, kc, c, ci, n);
                } else {
                    kernel4x4(packed, ai, bi, kc, c, ci, n);
                }
                return;
            }
            Arrays.fill(tile, 0f);
            if (narrow) {
                kernel4x1(packed, ai, bi, kc, tile, 0, NR);
            } else {
                kernel4x4(packed, ai, bi, kc, tile, 0, NR);
            }
            for (int r = 0; r < rows; r++) {
                int o = ci + r * n;
                for (int q = 0; q < cols; q++) {
                    c[o + q] += tile[r * NR + q];
                }
            }
        }
    }

    /** {@code C[4, NR] += A[4, kc]·B[kc, NR]} from packed panels: the hot loop, all in registers. */
    private static void kernel4x4(float[] p, int ai, int bi, int kc, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        FloatVector c33 = FloatVector.zero(S);
        for (int s = 0; s < kc; s++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, p, bi);
            FloatVector b1 = FloatVector.fromArray(S, p, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, p, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, p, bi + 3 * L);
            FloatVector x = FloatVector.broadcast(S, p[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, p[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, p[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, p[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        int r1 = ci + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c01.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c02.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c03.add(FloatVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        c10.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
        c11.add(FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
        c12.add(FloatVector.fromArray(S, c, r1 + 2 * L)).intoArray(c, r1 + 2 * L);
        c13.add(FloatVector.fromArray(S, c, r1 + 3 * L)).intoArray(c, r1 + 3 * L);
        c20.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
        c21.add(FloatVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
        c22.add(FloatVector.fromArray(S, c, r2 + 2 * L)).intoArray(c, r2 + 2 * L);
        c23.add(FloatVector.fromArray(S, c, r2 + 3 * L)).intoArray(c, r2 + 3 * L);
        c30.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
        c31.add(FloatVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
        c32.add(FloatVector.fromArray(S, c, r3 + 2 * L)).intoArray(c, r3 + 2 * L);
        c33.add(FloatVector.fromArray(S, c, r3 + 3 * L)).intoArray(c, r3 + 3 * L);
    }

    /** The last panel when it is at most one vector wide (ten classes, say): a quarter of the work. */
    private static void kernel4x1(float[] p, int ai, int bi, int kc, float[] c, int ci, int ldc) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        for (int s = 0; s < kc; s++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, p, bi);
            c0 = FloatVector.broadcast(S, p[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, p[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, p[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, p[ai + 3]).fma(b0, c3);
        }
        c0.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c1.add(FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
        c2.add(FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
        c3.add(FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
    }

    private static float[] scratch(int size) {
        float[] s = PACKED.get();
        if (s.length < size) {
            s = new float[size];
            PACKED.set(s);
        }
        return s;
    }
}
