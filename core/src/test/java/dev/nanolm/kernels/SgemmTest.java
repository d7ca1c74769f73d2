// VectorKernels' SGEMM (NN, NT, TN) against ScalarKernels on awkward shapes, offsets, accumulate on/off, 1 and 2 threads.
package dev.nanolm.kernels;

import dev.nanolm.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SgemmTest {
    private final Kernels scalar = new ScalarKernels();
    private final Kernels vector = new VectorKernels();
    private final int originalThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(originalThreads); }

    /**
     * (M, K, N). Sizes that are not multiples of the vector width, the 6-row micro-tile, the 96-row block or the
     * 512 K block; tiny ones and M <= 2 take the unpacked path, K > 512 crosses K blocks, N > M splits columns.
     */
    static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 13}, {7, 13, 1}, {5, 9, 11}, {13, 7, 33}, {6, 16, 16}, {7, 33, 65}, {33, 65, 7}, {65, 100, 17},
        {100, 33, 13}, {12, 64, 32}, {97, 257, 49}, {200, 130, 70}, {50, 1030, 20}, {30, 300, 100}, {7, 50, 100}, {5, 600, 130},
        {193, 520, 31}, {40, 17, 400}, {40, 70, 400}, {1, 300, 70}, {2, 600, 1000}, {3, 64, 100},
    };

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextFloat() * 2f - 1f;
        return x;
    }

    @Test
    void allLayoutsMatchScalar() {
        Rng rng = new Rng(42);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int layout = 0; layout < 3; layout++)
                for (int[] s : SHAPES)
                    for (boolean acc : new boolean[] {false, true}) {
                        int off = rng.nextInt(2) == 0 ? 0 : 1 + rng.nextInt(9);
                        check(rng, layout, s[0], s[2], s[1], acc, off, threads);
                    }
        }
    }

    /** Multi-block shapes big enough to run in parallel, checked less exhaustively. */
    @Test
    void largerShapesMatchScalar() {
        Rng rng = new Rng(7);
        Parallel.setThreads(2);
        check(rng, Sgemm.NN, 301, 257, 513, false, 3, 2);
        check(rng, Sgemm.NT, 250, 190, 300, true, 0, 2);
        check(rng, Sgemm.TN, 130, 70, 1100, true, 5, 2);
    }

    private void check(Rng rng, int layout, int M, int N, int K, boolean acc, int off, int threads) {
        float[] a = random(rng, off + M * K + 3);
        float[] b = random(rng, off + K * N + 3);
        float[] c0 = random(rng, off + M * N + 3);
        float[] cs = c0.clone(), cv = c0.clone();
        run(scalar, layout, a, off, b, off, cs, off, M, N, K, acc);
        run(vector, layout, a, off, b, off, cv, off, M, N, K, acc);
        String what = new String[] {"NN", "NT", "TN"}[layout] + " M=" + M + " N=" + N + " K=" + K + " acc=" + acc
                + " off=" + off + " threads=" + threads;
        // Outside [off, off+M*N) nothing may change.
        for (int i = 0; i < off; i++) assertEquals(c0[i], cv[i], what + " wrote before cOff");
        for (int i = off + M * N; i < c0.length; i++) assertEquals(c0[i], cv[i], what + " wrote past the end");
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                // Both sides sum K float products in different orders (blocked, FMA). Rounding errors grow like
                // sqrt(K) * u * sum|terms| for random data (u = 2^-24 = 6e-8); 1e-6 is ~16 u, a wide margin
                // that still catches a single lost or doubled term (|term| ~ sum|terms| / K) for K below ~10^4.
                double absSum = acc ? Math.abs(c0[off + i * N + j]) : 0;
                for (int k = 0; k < K; k++) absSum += Math.abs(aAt(a, off, layout, M, K, i, k) * bAt(b, off, layout, N, K, k, j));
                double tol = 1e-6 * Math.sqrt(K + 1) * absSum + 1e-30;
                float s = cs[off + i * N + j], v = cv[off + i * N + j];
                if (!(Math.abs(v - s) <= tol))
                    fail(what + ": c[" + i + "," + j + "] vector " + v + " scalar " + s + " tol " + tol);
            }
    }

    private static double aAt(float[] a, int off, int layout, int M, int K, int i, int k) {
        return layout == Sgemm.TN ? a[off + k * M + i] : a[off + i * K + k];
    }

    private static double bAt(float[] b, int off, int layout, int N, int K, int k, int j) {
        return layout == Sgemm.NT ? b[off + j * K + k] : b[off + k * N + j];
    }

    private static void run(Kernels kern, int layout, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                            int M, int N, int K, boolean acc) {
        switch (layout) {
            case Sgemm.NN: kern.matmulNN(a, aOff, b, bOff, c, cOff, M, N, K, acc); break;
            case Sgemm.NT: kern.matmulNT(a, aOff, b, bOff, c, cOff, M, N, K, acc); break;
            default: kern.matmulTN(a, aOff, b, bOff, c, cOff, M, N, K, acc); break;
        }
    }

    /** Each element is computed by the same FMA sequence whichever thread computes it: bitwise equal results. */
    @Test
    void threadCountDoesNotChangeBits() {
        Rng rng = new Rng(3);
        int[][] shapes = {{200, 300, 150}, {20, 300, 400}};
        for (int[] s : shapes)
            for (int layout = 0; layout < 3; layout++) {
                int M = s[0], K = s[1], N = s[2];
                float[] a = random(rng, M * K), b = random(rng, K * N);
                float[] c1 = new float[M * N], c2 = new float[M * N];
                Parallel.setThreads(1);
                run(vector, layout, a, 0, b, 0, c1, 0, M, N, K, false);
                Parallel.setThreads(2);
                run(vector, layout, a, 0, b, 0, c2, 0, M, N, K, false);
                assertArrayEquals(c1, c2, "layout " + layout + " M=" + M);
            }
    }

    @Test
    void packedBGivesTheSameBitsAsUnpacked() {
        Rng rng = new Rng(11);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] s : SHAPES) {
                int M = s[0], K = s[1], N = s[2];
                float[] a = random(rng, M * K + 3), b = random(rng, K * N + 5);
                for (boolean transposed : new boolean[] {false, true}) {
                    PackedB pb = vector.packB(b, 5, N, K, transposed);
                    for (boolean acc : new boolean[] {false, true}) {
                        float[] c0 = random(rng, M * N + 2), want = c0.clone(), got = c0.clone(), ref = c0.clone();
                        if (transposed) vector.matmulNT(a, 3, b, 5, want, 2, M, N, K, acc);
                        else vector.matmulNN(a, 3, b, 5, want, 2, M, N, K, acc);
                        vector.matmulPacked(a, 3, pb, got, 2, M, acc);
                        assertArrayEquals(want, got, "M=" + M + " K=" + K + " N=" + N + " transposed=" + transposed + " threads=" + threads);
                        scalar.matmulPacked(a, 3, scalar.packB(b, 5, N, K, transposed), ref, 2, M, acc);
                        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], got[i], 1e-4f * (1 + K));
                    }
                }
            }
        }
    }

    @Test
    void zeroKClearsOrKeeps() {
        float[] c = {1, 2, 3, 4};
        vector.matmulNN(new float[0], 0, new float[0], 0, c, 0, 2, 2, 0, true);
        assertArrayEquals(new float[] {1, 2, 3, 4}, c);
        vector.matmulNN(new float[0], 0, new float[0], 0, c, 0, 2, 2, 0, false);
        assertArrayEquals(new float[4], c);
    }

    @Test
    void rejectsArraysTooSmall() {
        float[] a = new float[6], b = new float[6], c = new float[3];
        assertThrows(IllegalArgumentException.class, () -> vector.matmulNN(a, 0, b, 0, c, 0, 2, 2, 3, false));
        assertThrows(IllegalArgumentException.class, () -> vector.matmulNT(a, 1, b, 0, new float[4], 0, 2, 2, 3, false));
        assertThrows(IllegalArgumentException.class, () -> vector.matmulTN(a, 0, b, 0, c, 0, -1, 2, 3, false));
        assertDoesNotThrow(() -> vector.matmulNN(a, 0, b, 0, new float[4], 0, 2, 2, 3, false));
    }
}
