package dev.minibatch.tensor;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static dev.minibatch.tensor.VectorMicroKernels.L;
import static dev.minibatch.tensor.VectorMicroKernels.MR;
import static dev.minibatch.tensor.VectorMicroKernels.NR;
import static dev.minibatch.tensor.VectorMicroKernels.S;

/**
 * Matrix multiply on the Vector API, in the three layouts of a training step ({@code A·B}, {@code Aᵀ·B},
 * {@code A·Bᵀ}), GotoBLAS style. The {@link VectorMicroKernels} read op(B) as whole vectors of a row: B is
 * copied ("packed") into panels {@code [n/NR][k][NR]}, padded with zeros, when it is transposed (a column
 * of Bᵀ is strided) or too large to read in place; otherwise it is read where it is. op(A) is read a
 * broadcast per row and step: in place when it is transposed or the product small, otherwise packed into
 * panels {@code [m/MR][k][MR]}; a last, partial, panel of MR rows is always packed, with zero rows. Then C
 * is computed by tasks, each a block of rows and columns, in tiles of MR x NR, over k in slices of
 * {@link #KC}.
 *
 * <p>Every element of C is the same chain of fused multiply-adds, in the same order, whichever task and
 * tile compute it; tasks are cut by the shape alone. So the result does not depend on the thread count.
 */
final class VectorGemm {
    private static final int KC = Gemms.KC;
    /** Most row panels (of MR rows) and column panels (of NR) per task: its slices of A and C stay in L2. */
    private static final int MAX_TASK_ROW_PANELS = 42;
    private static final int MAX_TASK_COL_PANELS = 4;
    /**
     * A product worth sharing is cut into at least this many tasks. Not more: on two cores, four smaller
     * tasks were slower than two, each core then reading panels the other one packed.
     */
    private static final int MIN_TASKS = 2;
    /**
     * Below this many multiply-adds a second thread does not pay (measured on two cores: no gain up to 4
     * million, 5-40% at 8 million, 1.6x at 16 million and 1.7x at 160 million).
     */
    static final long PARALLEL_MACS = 8_000_000L;
    /**
     * An untransposed B of at most this many floats (512 KB) is read in place: it stays in L2, and copying
     * it cost more than reading it with a row stride (the lesson's dW1 = gᵀ·x reads x, 50 x 784). A larger
     * one is packed: read in place, 256 x 784 was 20% slower (a new page for every step of a panel).
     */
    static final long DIRECT_B_FLOATS = 128 * 1024;
    /**
     * A product over k at most this deep runs on the one-vector tiles, four times over: C2 compiles the last nine of
     * the 24 stores of the four-vector tiles as boxed Java code (past its inlining budget), and in a product over
     * ten steps, the input gradient of a layer with ten outputs, those stores took longer than the multiply-adds.
     */
    private static final int SHORT_K = 16;

    /** The packed operands, reused by the calling thread; tasks on other threads only read them. */
    private static final ThreadLocal<float[]> PACKED = Scratch.perThread();
    /** Each thread's scratch for the edges of a task's block. */
    private static final ThreadLocal<float[]> EDGES = Scratch.perThread();

    private VectorGemm() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        if (Gemms.degenerate(m, n, k, c, cOff, accumulate)) {
            return;
        }
        boolean parallel = (long) m * n * k >= PARALLEL_MACS;
        Call call = new Call(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, accumulate, parallel);
        Gemms.run(parallel, call.aPack + call.bPack, call::pack);
        Gemms.run(parallel, call.rowBlocks * call.colBlocks, call::block);
    }

    /** One product: its operands, its packed panels and how it is cut into tasks. */
    private static final class Call {
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final float[] a;
        final int aOff;
        final float[] b;
        final int bOff;
        final float[] c;
        final int cOff;
        final boolean accumulate;
        final int aPanels;
        final int bPanels;
        /** Whether whole panels of A (of B) are read in place rather than packed. */
        final boolean directA;
        final boolean directB;
        /** The panels to pack: the last {@code aPack} of A's, then the last {@code bPack} of B's. */
        final int aPack;
        final int bPack;
        final int rowBlocks;
        final int colBlocks;
        final int taskRows;
        final int taskCols;
        final float[] packed;
        /** Packed B follows packed A in {@link #packed}. */
        final int bBase;

        Call(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
             float[] c, int cOff, boolean accumulate, boolean shared) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.b = b;
            this.bOff = bOff;
            this.c = c;
            this.cOff = cOff;
            this.accumulate = accumulate;
            aPanels = (m + MR - 1) / MR;
            bPanels = (n + NR - 1) / NR;
            // A transposed is read in place: six adjacent floats a step, as in a packed panel. Untransposed,
            // its six rows are k apart: a large product packs it (the kernel with adjacent rows ran 1024³
            // at 175 GFLOP/s instead of 157), a small one reads it in place (packing cost up to a third of 50x50x784).
            directA = transA || !shared;
            directB = !transB && (long) k * n <= DIRECT_B_FLOATS;
            aPack = directA ? (m % MR == 0 ? 0 : 1) : aPanels;
            bPack = directB ? (n % NR == 0 ? 0 : 1) : bPanels;
            int rowPanels = Math.min(aPanels, MAX_TASK_ROW_PANELS);
            int colPanels = Math.min(bPanels, MAX_TASK_COL_PANELS);
            // The cut depends on the shape only, never on the thread count: halve the longer side of a
            // block until a product worth sharing has enough tasks.
            while (shared && blocks(aPanels, rowPanels) * blocks(bPanels, colPanels) < MIN_TASKS
                    && (rowPanels > 1 || colPanels > 1)) {
                if (colPanels == 1 || rowPanels > 1 && rowPanels * MR >= colPanels * NR) {
                    rowPanels = (rowPanels + 1) / 2;
                } else {
                    colPanels = (colPanels + 1) / 2;
                }
            }
            // Blocks of equal size, so that threads get equal shares: 256 rows are 2 x 128, not 252 + 4.
            rowBlocks = blocks(aPanels, rowPanels);
            colBlocks = blocks(bPanels, colPanels);
            taskRows = blocks(aPanels, rowBlocks) * MR;
            taskCols = blocks(bPanels, colBlocks) * NR;
            bBase = aPanels * MR * k;
            packed = Scratch.floats(PACKED, bBase + bPanels * NR * k);
        }

        private static int blocks(int panels, int perBlock) {
            return (panels + perBlock - 1) / perBlock;
        }

        void pack(int t) {
            if (t < aPack) {
                packA(aPanels - aPack + t);
            } else {
                packB(bPanels - bPack + t - aPack);
            }
        }

        /** Rows {@code MR·ip ..} of op(A) as {@code [k][MR]}; rows past m are zeros. */
        private void packA(int ip) {
            int i0 = ip * MR;
            int rows = Math.min(MR, m - i0);
            int base = ip * MR * k;
            if (rows < MR) {
                Arrays.fill(packed, base, base + MR * k, 0f);
            }
            if (transA) {
                for (int p = 0; p < k; p++) {
                    int src = aOff + p * m + i0;
                    int dst = base + p * MR;
                    for (int r = 0; r < rows; r++) {
                        packed[dst + r] = a[src + r];
                    }
                }
                return;
            }
            int src = aOff + i0 * k;
            int p = 0;
            if (rows == MR) {
                // Interleaving six rows element by element is the slow part of packing: gather instead,
                // L/2 steps of the six rows (three vectors) at a time.
                int[][] maps = Gathers.interleave(k);
                for (; p + L / 2 <= k; p += L / 2) {
                    int dst = base + p * MR;
                    FloatVector.fromArray(S, a, src + p, maps[0], 0).intoArray(packed, dst);
                    FloatVector.fromArray(S, a, src + p, maps[1], 0).intoArray(packed, dst + L);
                    FloatVector.fromArray(S, a, src + p, maps[2], 0).intoArray(packed, dst + 2 * L);
                }
            }
            for (int r = 0; r < rows; r++) {
                for (int q = p; q < k; q++) {
                    packed[base + q * MR + r] = a[src + r * k + q];
                }
            }
        }

        /**
         * Columns {@code NR·jp ..} of op(B) as {@code [k][NR]}, or as {@code [k][L]} for a last panel at most one
         * vector wide (the narrow tiles read one vector a step: a classifier's ten outputs packed a quarter of
         * the floats); columns past n are zeros.
         */
        private void packB(int jp) {
            int j0 = jp * NR;
            int cols = Math.min(NR, n - j0);
            int width = panelWidth(j0);
            int base = bBase + jp * NR * k;
            if (cols < width) {
                // One fill over the panel: a call per step, for the few floats past the columns, took longer.
                Arrays.fill(packed, base, base + k * width, 0f);
            }
            if (!transB) {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, bOff + p * n + j0, packed, base + p * width, cols);
                }
                return;
            }
            // B is [n, k]: a transpose. Whole vectors of the panel's columns are gathered, a step at a time,
            // from L rows k apart; columns left over past the last whole vector are scattered, L steps at a time.
            int[] map = Gathers.rows(k);
            int whole = cols / L * L;
            for (int jj = 0; jj < whole; jj += L) {
                int src = bOff + (j0 + jj) * k;
                for (int p = 0; p < k; p++) {
                    FloatVector.fromArray(S, b, src + p, map, 0).intoArray(packed, base + p * width + jj);
                }
            }
            int[] steps = Gathers.steps(width);
            int wholeSteps = k / L * L;
            for (int jj = whole; jj < cols; jj++) {
                int src = bOff + (j0 + jj) * k;
                int p = 0;
                for (; p < wholeSteps; p += L) {
                    FloatVector.fromArray(S, b, src + p).intoArray(packed, base + p * width + jj, steps, 0);
                }
                for (; p < k; p++) {
                    packed[base + p * width + jj] = b[src + p];
                }
            }
        }

        /**
         * The row length of the packed panel of B starting at column j0: one vector for a last panel at most that
         * wide, which the one-vector tiles compute.
         */
        private int panelWidth(int j0) {
            return n - j0 <= L ? L : NR;
        }

        /**
         * Task {@code t}: a block of C over all of k. Tiles write straight into C, except those of a last,
         * partial, row panel or column panel: they go to zero-padded strips, copied in and out once.
         */
        void block(int t) {
            // Tasks run down a column of blocks, not along a row: two threads then work on blocks one above
            // the other, whose rows of C share no cache line. Side by side (C's rows are not in general
            // 64-byte aligned), they wrote the same lines at every row: 1024³ took 8% longer on two cores.
            int i0 = t % rowBlocks * taskRows;
            int i1 = Math.min(m, i0 + taskRows);
            int j0 = t / rowBlocks * taskCols;
            int j1 = Math.min(n, j0 + taskCols);
            Edges edges = new Edges(this, i0, i1, j0, j1);
            if (!accumulate) {
                for (int i = i0; i < edges.iFull; i++) {
                    Arrays.fill(c, cOff + i * n + j0, cOff + i * n + edges.jFull, 0f);
                }
            }
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                for (int j = j0; j < j1; j += NR) {
                    boolean inPlaceB = directB && j + NR <= n;
                    float[] bArr = inPlaceB ? b : packed;
                    boolean narrow = panelWidth(j) == L;
                    int bStep = inPlaceB ? n : panelWidth(j);
                    int bi = inPlaceB ? bOff + pc * n + j : bBase + j * k + pc * bStep;
                    for (int i = i0; i < i1; i += MR) {
                        boolean inPlaceA = directA && i + MR <= m;
                        float[] aArr = inPlaceA ? a : packed;
                        int ai = !inPlaceA ? i * k + pc * MR : transA ? aOff + pc * m + i : aOff + i * k + pc;
                        int aStep = !inPlaceA ? MR : transA ? m : 1;
                        boolean rowsApart = inPlaceA && !transA;
                        float[] dst = c;
                        int di = cOff + i * n + j;
                        int ld = n;
                        if (i >= edges.iFull) {
                            dst = edges.strip;
                            di = edges.bottom(j);
                            ld = edges.bottomWidth;
                        } else if (j >= edges.jFull) {
                            dst = edges.strip;
                            di = edges.right(i);
                            ld = NR;
                        }
                        if (narrow || k <= SHORT_K) {
                            for (int q = 0, vectors = narrow ? 1 : 4; q < vectors; q++) {
                                if (rowsApart) {
                                    VectorMicroKernels.tile6x1Rows(a, ai, k, 1, bArr, bi + q * L, bStep, kc, dst,
                                            di + q * L, ld);
                                } else {
                                    VectorMicroKernels.tile6x1(aArr, ai, aStep, bArr, bi + q * L, bStep, kc, dst,
                                            di + q * L, ld);
                                }
                            }
                        } else if (rowsApart) {
                            VectorMicroKernels.tile6x4Rows(a, ai, k, 1, bArr, bi, bStep, kc, dst, di, ld);
                        } else {
                            VectorMicroKernels.tile6x4(aArr, ai, aStep, bArr, bi, bStep, kc, dst, di, ld);
                        }
                    }
                }
            }
            edges.copyOut();
        }
    }

    /**
     * The partial last row panel (a strip MR rows high, as wide as the block, padded to whole panels) and
     * the partial last column panel (NR wide, the height of the block's whole row panels) of one block.
     * Copying C's values in and out keeps each element's sum in the same order as a tile written in place.
     */
    private static final class Edges {
        final Call call;
        final int i0;
        final int j0;
        final int iFull;
        final int jFull;
        final int rowsLeft;
        final int colsLeft;
        final int bottomWidth;
        final float[] strip;

        Edges(Call call, int i0, int i1, int j0, int j1) {
            this.call = call;
            this.i0 = i0;
            this.j0 = j0;
            iFull = i0 + (i1 - i0) / MR * MR;
            jFull = j0 + (j1 - j0) / NR * NR;
            rowsLeft = i1 - iFull;
            colsLeft = j1 - jFull;
            bottomWidth = (j1 - j0 + NR - 1) / NR * NR;
            int size = MR * bottomWidth + (iFull - i0) * NR;
            strip = rowsLeft == 0 && colsLeft == 0 ? null : Scratch.floats(EDGES, size);
            if (strip == null) {
                return;
            }
            Arrays.fill(strip, 0, size, 0f);
            if (call.accumulate) {
                copy(true);
            }
        }

        int bottom(int j) {
            return j - j0;
        }

        int right(int i) {
            return MR * bottomWidth + (i - i0) * NR;
        }

        void copyOut() {
            if (strip != null) {
                copy(false);
            }
        }

        private void copy(boolean in) {
            int n = call.n;
            for (int r = 0; r < rowsLeft; r++) {
                move(in, call.cOff + (iFull + r) * n + j0, bottom(j0) + r * bottomWidth, jFull - j0 + colsLeft);
            }
            for (int i = i0; colsLeft > 0 && i < iFull; i++) {
                move(in, call.cOff + i * n + jFull, right(i), colsLeft);
            }
        }

        private void move(boolean in, int cIndex, int stripIndex, int length) {
            if (in) {
                System.arraycopy(call.c, cIndex, strip, stripIndex, length);
            } else {
                System.arraycopy(strip, stripIndex, call.c, cIndex, length);
            }
        }
    }

    /** Index maps for gathers: L/2 steps of MR = 6 rows, interleaved, into three vectors. */
    private static final class Gathers {
        private static final ThreadLocal<int[][]> MAPS = ThreadLocal.withInitial(() -> new int[3][L]);

        private Gathers() {
        }

        private static final ThreadLocal<int[]> ROWS = ThreadLocal.withInitial(() -> new int[L]);
        /** Lane l writes step l of a packed panel of B, one vector or NR floats a step. */
        private static final int[] STEPS_L = multiples(L);
        private static final int[] STEPS_NR = multiples(NR);

        private static int[] multiples(int stride) {
            int[] map = new int[L];
            for (int l = 0; l < L; l++) {
                map[l] = l * stride;
            }
            return map;
        }

        static int[] steps(int width) {
            return width == L ? STEPS_L : STEPS_NR;
        }

        /** Lane l reads row l of rows {@code k} apart: one column of L rows. */
        static int[] rows(int k) {
            int[] map = ROWS.get();
            if (map[1] != k) {
                for (int l = 0; l < L; l++) {
                    map[l] = l * k;
                }
            }
            return map;
        }

        /** For rows {@code k} apart: lane l of vector q reads row {@code f % 6}, step {@code f / 6}, f = qL + l. */
        static int[][] interleave(int k) {
            int[][] maps = MAPS.get();
            if (maps[0][1] != k) {
                for (int q = 0; q < 3; q++) {
                    for (int l = 0; l < L; l++) {
                        int f = q * L + l;
                        maps[q][l] = f % MR * k + f / MR;
                    }
                }
            }
            return maps;
        }
    }
}
