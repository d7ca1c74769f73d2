// VectorKernels' row-wise, elementwise and optimizer kernels against ScalarKernels, on lengths that are not
// multiples of the vector width, with offsets, large enough sizes to run split over 2 threads too.
package dev.nanolm.kernels;

import dev.nanolm.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class VectorKernelsTest {
    private final Kernels scalar = new ScalarKernels();
    private final Kernels vector = new VectorKernels();
    private final int originalThreads = Parallel.threads();

    static final int[] LENGTHS = {1, 2, 7, 8, 13, 33, 65, 100, 257};
    /** (rows, C) with rows*C above VectorKernels.PARALLEL_ELEMS, so the row split really runs in parallel. */
    static final int[][] BIG = {{300, 129}, {70, 1001}};

    @AfterEach
    void restoreThreads() { Parallel.setThreads(originalThreads); }

    private static float[] uniform(Rng rng, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng.nextFloat();
        return x;
    }

    /** |v - s| <= rel * |s| + abs, element by element over [from, to). */
    private static void assertClose(float[] s, float[] v, int from, int to, double rel, double abs, String what) {
        for (int i = from; i < to; i++) {
            double tol = rel * Math.abs(s[i]) + abs;
            if (!(Math.abs(v[i] - s[i]) <= tol)) fail(what + " [" + i + "]: vector " + v[i] + " scalar " + s[i] + " tol " + tol);
        }
    }

    private interface ThreadsBody { void run(int threads); }

    private static void forThreads(ThreadsBody body) {
        for (int t : new int[] {1, 2}) {
            Parallel.setThreads(t);
            body.run(t);
        }
    }

    @Test
    void lstmGateGradsGiveTheScalarBits() {
        Rng rng = new Rng(22);
        for (int H : LENGTHS) {
            int B = 3, BH = B * H, o = H + 1; // row 1 of 3, offset by one so the loads are not aligned
            float[] sig = uniform(rng, 3 * BH + 2, 0, 1), gt = uniform(rng, BH + 2, -1, 1), tc = uniform(rng, BH + 2, -1, 1);
            float[] cs = uniform(rng, BH + 7, -2, 2), dh = uniform(rng, BH + 2, -2, 2), dc = uniform(rng, BH + 2, -2, 2);
            float[] dhS = dh.clone(), dhV = dh.clone(), dcS = dc.clone(), dcV = dc.clone();
            float[] pS = uniform(rng, 4 * H + 5, -1, 1), pV = pS.clone();
            scalar.lstmGateGrads(dhS, dcS, o, sig, BH, gt, tc, cs, 5, pS, 5, H);
            vector.lstmGateGrads(dhV, dcV, o, sig, BH, gt, tc, cs, 5, pV, 5, H);
            assertArrayEquals(pS, pV, "gate gradients H=" + H);
            assertArrayEquals(dcS, dcV, "cell path H=" + H);
            assertArrayEquals(dhS, dhV, "hidden path H=" + H);
            for (int j = 0; j < H; j++) assertEquals(0f, dhS[o + j], "dh is zeroed H=" + H);
            // one unit by hand: i, f, o gates, g, tanh(c'), c
            float i = sig[o], f = sig[BH + o], og = sig[2 * BH + o], g = gt[o], t = tc[o], c = cs[5 + o];
            float dcv = dc[o] + dh[o] * og * (1 - t * t);
            assertEquals(dcv * g * i * (1 - i), pS[5], 1e-6, "di H=" + H);
            assertEquals(dcv * c * f * (1 - f), pS[5 + H], 1e-6, "df H=" + H);
            assertEquals(dh[o] * t * og * (1 - og), pS[5 + 3 * H], 1e-6, "do H=" + H);
            assertEquals(dcv * f, dcS[o], 1e-6, "dc H=" + H);
        }
    }

    // ---- softmax / logSoftmax ----

    @Test
    void gruGateGradsAndAddProductGiveTheScalarBits() {
        Rng rng = new Rng(21);
        for (int H : LENGTHS) {
            float[] dh = uniform(rng, H + 3, -2, 2), rz = uniform(rng, 2 * H + 1, 0, 1), n = uniform(rng, H + 2, -1, 1);
            float[] h = uniform(rng, H + 4, -1, 1), p = uniform(rng, H + 5, -3, 3);
            float[] dhS = dh.clone(), dhV = dh.clone(), gS = uniform(rng, 3 * H + 6, -1, 1), gV = gS.clone();
            scalar.gruGateGrads(dhS, 3, rz, 1, n, 2, h, 4, p, 5, gS, 6, H);
            vector.gruGateGrads(dhV, 3, rz, 1, n, 2, h, 4, p, 5, gV, 6, H);
            assertArrayEquals(gS, gV, "gate gradients H=" + H);
            assertArrayEquals(dhS, dhV, "direct path H=" + H);
            float[] outS = uniform(rng, H + 1, -1, 1), outV = outS.clone();
            scalar.addProduct(h, 4, n, 2, p, 5, outS, 1, H);
            vector.addProduct(h, 4, n, 2, p, 5, outV, 1, H);
            assertArrayEquals(outS, outV, "addProduct H=" + H);
        }
    }

    @Test
    void softmaxMatchesScalar() {
        Rng rng = new Rng(1);
        forThreads(t -> {
            for (int C : LENGTHS) for (int rows : new int[] {1, 3}) checkSoftmax(rng, rows, C, 5, false);
            for (int[] rc : BIG) checkSoftmax(rng, rc[0], rc[1], 0, false);
            checkSoftmax(rng, 4, 65, 3, true);
        });
    }

    private void checkSoftmax(Rng rng, int rows, int C, int off, boolean inPlace) {
        float[] x = uniform(rng, off + rows * C + 2, -8f, 8f);
        if (inPlace) {
            float[] xs = x.clone();
            scalar.softmax(xs, off, xs, off, rows, C);
            float[] xv = x.clone();
            vector.softmax(xv, off, xv, off, rows, C);
            // exp differs by a few ulps; the normalising sum of C terms in float differs by up to ~sqrt(C) ulps
            // in practice (C*u = 1.5e-5 at worst for C=257): relative 1e-5 of each probability.
            assertClose(xs, xv, off, off + rows * C, 1e-5, 1e-12, "softmax in place C=" + C);
            assertEquals(x[0], xv[0], "in-place softmax must not touch elements before the offset");
            return;
        }
        float[] os = new float[x.length], ov = new float[x.length];
        scalar.softmax(x, off, os, 1, rows, C);
        vector.softmax(x, off, ov, 1, rows, C);
        assertClose(os, ov, 1, 1 + rows * C, 1e-5, 1e-12, "softmax rows=" + rows + " C=" + C);
        assertEquals(0f, ov[0], "wrote before outOff");
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int j = 0; j < C; j++) sum += ov[1 + r * C + j];
            assertEquals(1.0, sum, 1e-5, "softmax row sums to 1");
        }
    }

    @Test
    void logSoftmaxMatchesScalar() {
        Rng rng = new Rng(2);
        forThreads(t -> {
            for (int C : LENGTHS)
                for (int rows : new int[] {1, 3}) {
                    int off = 3;
                    float[] x = uniform(rng, off + rows * C, -20f, 20f);
                    float[] os = new float[x.length + 2], ov = new float[x.length + 2];
                    scalar.logSoftmax(x, off, os, 2, rows, C);
                    vector.logSoftmax(x, off, ov, 2, rows, C);
                    // out = x - logsumexp: the error is that of logsumexp, ~ulps of |lse| plus the float sum's
                    // relative error (<= 1e-5): absolute 1e-5 plus relative 1e-6 of the output.
                    assertClose(os, ov, 0, ov.length, 1e-6, 1e-5, "logSoftmax C=" + C);
                }
            for (int[] rc : BIG) {
                float[] x = uniform(rng, rc[0] * rc[1], -20f, 20f);
                float[] os = new float[x.length], ov = new float[x.length];
                scalar.logSoftmax(x, 0, os, 0, rc[0], rc[1]);
                vector.logSoftmax(x, 0, ov, 0, rc[0], rc[1]);
                assertClose(os, ov, 0, ov.length, 1e-6, 1e-5, "logSoftmax big");
            }
        });
    }

    // ---- layer norm ----

    @Test
    void layerNormForwardMatchesScalar() {
        Rng rng = new Rng(3);
        forThreads(t -> {
            for (int C : LENGTHS) for (int rows : new int[] {1, 5}) checkLayerNormForward(rng, rows, C, rows == 5);
            for (int[] rc : BIG) checkLayerNormForward(rng, rc[0], rc[1], true);
        });
    }

    private void checkLayerNormForward(Rng rng, int rows, int C, boolean bias) {
        // A shifted mean (3) makes the variance a difference of nearby numbers, where float sums show.
        float[] x = uniform(rng, rows * C, 2f, 4f);
        float[] w = uniform(rng, C, 0.5f, 1.5f), b = bias ? uniform(rng, C, -1f, 1f) : null;
        float[] os = new float[rows * C], ov = new float[rows * C];
        float[] ms = new float[rows], mv = new float[rows], rs = new float[rows], rv = new float[rows];
        scalar.layerNormForward(x, w, b, os, ms, rs, rows, C, 1e-5f);
        vector.layerNormForward(x, w, b, ov, mv, rv, rows, C, 1e-5f);
        // Mean and variance summed in float lanes vs double: relative ~sqrt(C) u; outputs are O(1) normalised values,
        // so 1e-5 absolute + relative covers them (for C=1 the output is b exactly, the variance 0).
        String what = "layerNorm rows=" + rows + " C=" + C;
        assertClose(ms, mv, 0, rows, 1e-6, 0, what + " mean");
        assertClose(rs, rv, 0, rows, 1e-4, 0, what + " rstd");
        assertClose(os, ov, 0, rows * C, 1e-5, 1e-4, what + " out");
    }

    @Test
    void layerNormBackwardMatchesScalar() {
        Rng rng = new Rng(4);
        forThreads(t -> {
            for (int C : LENGTHS) for (int rows : new int[] {1, 6}) checkLayerNormBackward(rng, rows, C, rows == 6);
            for (int[] rc : BIG) checkLayerNormBackward(rng, rc[0], rc[1], true);
            checkLayerNormBackward(rng, 300, 129, false);
        });
    }

    private void checkLayerNormBackward(Rng rng, int rows, int C, boolean withDb) {
        float[] x = uniform(rng, rows * C, -2f, 2f), dout = uniform(rng, rows * C, -1f, 1f);
        float[] w = uniform(rng, C, 0.5f, 1.5f), b = uniform(rng, C, -1f, 1f);
        float[] out = new float[rows * C], mean = new float[rows], rstd = new float[rows];
        scalar.layerNormForward(x, w, b, out, mean, rstd, rows, C, 1e-5f);
        // Backward accumulates: start from nonzero gradients.
        float[] dx0 = uniform(rng, rows * C, -1f, 1f), dw0 = uniform(rng, C, -1f, 1f), db0 = uniform(rng, C, -1f, 1f);
        float[] dxs = dx0.clone(), dxv = dx0.clone(), dws = dw0.clone(), dwv = dw0.clone();
        float[] dbs = withDb ? db0.clone() : null, dbv = withDb ? db0.clone() : null;
        scalar.layerNormBackward(dout, x, w, mean, rstd, dxs, dws, dbs, rows, C);
        vector.layerNormBackward(dout, x, w, mean, rstd, dxv, dwv, dbv, rows, C);
        String what = "layerNormBackward rows=" + rows + " C=" + C;
        // dx: row sums of C products (float lanes vs double), scaled by rstd (~0.9): relative sqrt(C) u each.
        assertClose(dxs, dxv, 0, rows * C, 1e-5, 1e-5 * Math.sqrt(C), what + " dx");
        // dw, db: both sides add the rows' terms in row order in float; only FMA vs mul+add differs per term,
        // so the difference stays at ~ sqrt(rows) ulps of the partial sums (|partial| <= rows).
        assertClose(dws, dwv, 0, C, 1e-5, 1e-6 * rows, what + " dw");
        if (withDb) assertClose(dbs, dbv, 0, C, 1e-6, 1e-6 * rows, what + " db");
    }

    /** dw/db are summed by columns when split over threads: the same bits as on one thread. */
    @Test
    void layerNormBackwardSameBitsOnOneAndTwoThreads() {
        Rng rng = new Rng(5);
        int rows = 256, C = 257;
        float[] x = uniform(rng, rows * C, -2f, 2f), dout = uniform(rng, rows * C, -1f, 1f);
        float[] w = uniform(rng, C, 0.5f, 1.5f);
        float[] out = new float[rows * C], mean = new float[rows], rstd = new float[rows];
        vector.layerNormForward(x, w, null, out, mean, rstd, rows, C, 1e-5f);
        float[][] dx = new float[2][rows * C], dw = new float[2][C], db = new float[2][C];
        for (int t = 1; t <= 2; t++) {
            Parallel.setThreads(t);
            vector.layerNormBackward(dout, x, w, mean, rstd, dx[t - 1], dw[t - 1], db[t - 1], rows, C);
        }
        assertArrayEquals(dx[0], dx[1]);
        assertArrayEquals(dw[0], dw[1]);
        assertArrayEquals(db[0], db[1]);
    }

    // ---- GELU ----

    @Test
    void geluMatchesScalar() {
        Rng rng = new Rng(6);
        forThreads(t -> {
            for (int n : new int[] {1, 7, 13, 33, 65, 100, 257, 100_003}) {
                float[] x = uniform(rng, n, -6f, 6f);
                if (n > 4) { x[0] = -30f; x[1] = 30f; x[2] = 0f; x[3] = -1e-4f; }
                float[] os = new float[n], ov = new float[n];
                scalar.geluForward(x, os, n);
                vector.geluForward(x, ov, n);
                // Vector: x * sigmoid(2u) with a few-ulp EXP; scalar: 0.5x(1 + tanh u), whose 1 + tanh u cancels for
                // x << 0. Measured differences stay below 5e-7 absolute on [-8, 8]; allow 1e-6 + 2e-6 relative.
                assertClose(os, ov, 0, n, 2e-6, 1e-6, "geluForward n=" + n);
                float[] dout = uniform(rng, n, -1f, 1f), dx0 = uniform(rng, n, -1f, 1f);
                float[] dxs = dx0.clone(), dxv = dx0.clone();
                scalar.geluBackward(x, dout, dxs, n);
                vector.geluBackward(x, dout, dxv, n);
                // g = 0.5(1+t) + 0.5x(1-t^2)du: the x(1-t^2)du term multiplies t's absolute error by up to ~|x|^3 K A
                // (measured differences below 2.1e-6 on [-8, 8]); 1e-5 absolute plus relative covers it with margin.
                assertClose(dxs, dxv, 0, n, 1e-5, 1e-5, "geluBackward n=" + n);
            }
        });
    }

    // ---- tanh, sigmoid ----

    @Test
    void tanhAndSigmoidMatchScalar() {
        Rng rng = new Rng(8);
        forThreads(t -> {
            for (int n : new int[] {1, 7, 13, 33, 65, 100, 257, 100_003}) {
                float[] x = uniform(rng, n, -12f, 12f);
                if (n > 5) { x[0] = -100f; x[1] = 100f; x[2] = 0f; x[3] = -1e-6f; x[4] = 3e-4f; }
                float[] ts = new float[n], tv = new float[n], ss = new float[n], sv = new float[n];
                scalar.tanhForward(x, ts, n);
                vector.tanhForward(x, tv, n);
                // the rational tanh is a few ulp from Math.tanh (relative near 0, where tanh x ~ x)
                assertClose(ts, tv, 0, n, 5e-7, 1e-9, "tanhForward n=" + n);
                scalar.sigmoidForward(x, ss, n);
                vector.sigmoidForward(x, sv, n);
                // 0.5 + 0.5 tanh(x/2): a few ulp of 1 absolute (it cancels for x << 0), relative elsewhere
                assertClose(ss, sv, 0, n, 5e-7, 2e-7, "sigmoidForward n=" + n);
                if (n > 5) {
                    assertEquals(-1f, tv[0]);
                    assertEquals(1f, tv[1]);
                    assertEquals(0f, tv[2]);
                    assertEquals(0.5f, sv[2]);
                    assertTrue(sv[0] >= 0f && sv[1] <= 1f, "sigmoid stays in [0, 1]");
                }
            }
            // in place
            float[] y = {-2f, 0.5f, 3f};
            vector.tanhForward(y, y, 3);
            assertEquals((float) Math.tanh(0.5), y[1], 1e-7f);
        });
    }

    // ---- BLAS-1 ----

    @Test
    void axpyAndDotMatchScalar() {
        Rng rng = new Rng(7);
        for (int n : new int[] {0, 1, 7, 13, 16, 33, 65, 100, 1000, 4099}) {
            float[] x = uniform(rng, n + 5, -1f, 1f), y0 = uniform(rng, n + 9, -1f, 1f);
            float[] ys = y0.clone(), yv = y0.clone();
            scalar.axpy(0.75f, x, 5, ys, 2, n);
            vector.axpy(0.75f, x, 5, yv, 2, n);
            // One FMA vs mul+add per element: at most 1 ulp of each result apart.
            assertClose(ys, yv, 0, ys.length, 2e-7, 1e-7, "axpy n=" + n);
            assertEquals(y0[0], yv[0]);
            assertEquals(y0[n + 8], yv[n + 8]);
            float ds = scalar.dot(x, 5, y0, 2, n), dv = vector.dot(x, 5, y0, 2, n);
            double absSum = 0;
            for (int i = 0; i < n; i++) absSum += Math.abs((double) x[5 + i] * y0[2 + i]);
            // Two float sums of n products in different orders: ~sqrt(n) u sum|terms| apart (see SgemmTest).
            assertEquals(ds, dv, 1e-6 * Math.sqrt(n + 1) * absSum + 1e-30, "dot n=" + n);
        }
    }

    // ---- AdamW ----

    @Test
    void adamwMatchesScalar() {
        Rng rng = new Rng(8);
        forThreads(t -> {
            for (int n : new int[] {1, 7, 13, 33, 65, 100, 70_001}) {
                int off = 3, len = off + n + 4;
                float[] p = uniform(rng, len, -1f, 1f), g = uniform(rng, len, -2f, 2f);
                float[] m = uniform(rng, len, -0.5f, 0.5f), v = uniform(rng, len, 0f, 0.5f);
                float[] ps = p.clone(), pv = p.clone(), ms = m.clone(), mv = m.clone(), vs = v.clone(), vv = v.clone();
                float b1 = 0.9f, b2 = 0.95f;
                int step = 3;
                float bc1 = 1f - (float) Math.pow(b1, step), bc2 = 1f - (float) Math.pow(b2, step);
                scalar.adamw(ps, g, ms, vs, off, n, 1e-3f, b1, b2, 1e-8f, 0.1f, bc1, bc2);
                vector.adamw(pv, g, mv, vv, off, n, 1e-3f, b1, b2, 1e-8f, 0.1f, bc1, bc2);
                // Same formula, FMA/ordering differences only: a few ulps of m, v and the O(lr) update.
                assertClose(ms, mv, 0, len, 1e-6, 1e-7, "adamw m n=" + n);
                assertClose(vs, vv, 0, len, 1e-6, 1e-7, "adamw v n=" + n);
                assertClose(ps, pv, 0, len, 1e-6, 1e-8, "adamw p n=" + n);
                assertEquals(p[off - 1], pv[off - 1]);
                assertEquals(p[off + n], pv[off + n]);
                assertNotEquals(p[off], pv[off], "adamw must move p");
            }
        });
    }

    @Test
    void nameIsVector() {
        assertEquals("vector", vector.name());
    }
}
