// Vector API attention primitives: a register-blocked GEMM on packed operands (6 rows x 2 vectors of accumulators) and causal
// softmax rows with an exp built from IEEE arithmetic only, so compiled and interpreted code give the same bits.
package dev.nanolm.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

final class VectorAttention extends AttentionKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length(), NR = 2 * L;

    // exp(z) = 2^n * e^r, n = round(z / ln2), r = z - n ln2 (ln2 in two parts), e^r by Cephes' expf polynomial
    // (rel. error < 1e-7). lanewise(EXP) would be as fast but gives other bits once C2 compiles it (SVML).
    private static final float LOG2E = 1.44269504f, MAGIC = 12582912f /* 1.5 * 2^23: adding it rounds to an integer */;
    private static final float NLN2_HI = -0.693145752f, NLN2_LO = -1.42860677e-6f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
                               P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    /** Below this exp(z) is under the smallest normal float: the result is flushed to 0 (also for z = -inf). */
    private static final float EXP_LOW = -87.33f;

    @Override public String name() { return "vector"; }

    @Override int lanes() { return L; }

    // ---------------------------------------------------------------- GEMM

    @Override
    void gemm(float[] A, int aOff, int lda, float[] bp, int K, int Np, int k0, int k1, int n, float alpha,
              float[] Cm, int cOff, int ldc, int rows) {
        int kl = k1 - k0;
        for (int c = 0; c < n; c += NR) {
            if (c + NR <= Np) micro6x2(A, aOff, lda, bp, c * K + k0 * NR, alpha, Cm, cOff + c, ldc, rows, kl);
            else micro6x1(A, aOff, lda, bp, c * K + k0 * L, alpha, Cm, cOff + c, ldc, rows, kl);
        }
    }

    /**
     * 6 rows x 2 vectors: per k, 2 loads of B, 6 broadcasts of A (6 neighbours), 12 FMAs; 12 accumulators + 2 + 1
     * fit 16 ymm. (A read row-major, 6 streams, ran at half the speed: hence packRows.)
     */
    private static void micro6x2(float[] A, int a, int lda, float[] bp, int b, float alpha,
                                 float[] Cm, int c, int ldc, int rows, int kl) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                    c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int k = 0; k < kl; k++) {
            int ak = a + k * lda, bk = b + k * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bk), b1 = FloatVector.fromArray(S, bp, bk + L);
            FloatVector x = FloatVector.broadcast(S, A[ak]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, A[ak + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, A[ak + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, A[ak + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, A[ak + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, A[ak + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.mul(alpha).intoArray(Cm, c);
        c01.mul(alpha).intoArray(Cm, c + L);
        if (rows > 1) { c10.mul(alpha).intoArray(Cm, c + ldc); c11.mul(alpha).intoArray(Cm, c + ldc + L); }
        if (rows > 2) { c20.mul(alpha).intoArray(Cm, c + 2 * ldc); c21.mul(alpha).intoArray(Cm, c + 2 * ldc + L); }
        if (rows > 3) { c30.mul(alpha).intoArray(Cm, c + 3 * ldc); c31.mul(alpha).intoArray(Cm, c + 3 * ldc + L); }
        if (rows > 4) { c40.mul(alpha).intoArray(Cm, c + 4 * ldc); c41.mul(alpha).intoArray(Cm, c + 4 * ldc + L); }
        if (rows > 5) { c50.mul(alpha).intoArray(Cm, c + 5 * ldc); c51.mul(alpha).intoArray(Cm, c + 5 * ldc + L); }
    }

    /** The last, one-vector-wide panel. */
    private static void micro6x1(float[] A, int a, int lda, float[] bp, int b, float alpha,
                                 float[] Cm, int c, int ldc, int rows, int kl) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        for (int k = 0; k < kl; k++) {
            int ak = a + k * lda;
            FloatVector b0 = FloatVector.fromArray(S, bp, b + k * L);
            c0 = FloatVector.broadcast(S, A[ak]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, A[ak + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, A[ak + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, A[ak + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, A[ak + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, A[ak + 5]).fma(b0, c5);
        }
        c0.mul(alpha).intoArray(Cm, c);
        if (rows > 1) c1.mul(alpha).intoArray(Cm, c + ldc);
        if (rows > 2) c2.mul(alpha).intoArray(Cm, c + 2 * ldc);
        if (rows > 3) c3.mul(alpha).intoArray(Cm, c + 3 * ldc);
        if (rows > 4) c4.mul(alpha).intoArray(Cm, c + 4 * ldc);
        if (rows > 5) c5.mul(alpha).intoArray(Cm, c + 5 * ldc);
    }

    // ---------------------------------------------------------------- softmax rows

    /** Sum of a vector's lanes in lane order (reduceLanes(ADD) may add in another order once compiled). */
    private static float laneSum(FloatVector v, float[] lanes, int lanesOff) {
        v.intoArray(lanes, lanesOff);
        float s = 0f;
        for (int l = 0; l < L; l++) s += lanes[lanesOff + l];
        return s;
    }

    @Override
    void softmaxRow(float[] x, int off, int n, float[] lanes, int lanesOff) {
        int end = off + (n + L - 1) / L * L, last = end - L;
        // lanes past n become -inf, so the exp below makes them 0. Scalar stores, not a blend under a compare mask:
        // C2 on JDK 17 boxed that mask (two small arrays per row, ~0.5 MB per baby training step)
        for (int j = off + n; j < end; j++) x[j] = Float.NEGATIVE_INFINITY;
        // the running max is a scalar: a vector carried around this loop was boxed by C2 in some runs (7 MB per
        // baby step on one thread); max does not depend on the order, so the bits are those of a vector max
        float max = Float.NEGATIVE_INFINITY;
        for (int j = off; j < end; j += L) max = Math.max(max, FloatVector.fromArray(S, x, j).reduceLanes(VectorOperators.MAX));
        FloatVector vm = FloatVector.broadcast(S, max), acc = FloatVector.zero(S);
        FloatVector log2e = FloatVector.broadcast(S, LOG2E), magic = FloatVector.broadcast(S, MAGIC);
        FloatVector hi = FloatVector.broadcast(S, NLN2_HI), lo = FloatVector.broadcast(S, NLN2_LO);
        FloatVector p0 = FloatVector.broadcast(S, P0), p1 = FloatVector.broadcast(S, P1), p2 = FloatVector.broadcast(S, P2),
                    p3 = FloatVector.broadcast(S, P3), p4 = FloatVector.broadcast(S, P4), p5 = FloatVector.broadcast(S, P5);
        for (int j = off; j < end; j += L) {
            FloatVector z = FloatVector.fromArray(S, x, j).sub(vm);
            FloatVector t = z.fma(log2e, magic);
            FloatVector nf = t.sub(magic);
            FloatVector r = nf.fma(hi, z);
            r = nf.fma(lo, r);
            FloatVector p = p0.fma(r, p1).fma(r, p2).fma(r, p3).fma(r, p4).fma(r, p5);
            p = p.fma(r.mul(r), r).add(1f);
            FloatVector two = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(127 << 23).reinterpretAsFloats();
            FloatVector e = p.mul(two).blend(0f, z.lt(EXP_LOW));
            e.intoArray(x, j);
            acc = acc.add(e);
        }
        FloatVector inv = FloatVector.broadcast(S, 1f / laneSum(acc, lanes, lanesOff));
        for (int j = off; j < end; j += L) FloatVector.fromArray(S, x, j).mul(inv).intoArray(x, j);
    }

    @Override
    void softmaxBackwardRow(float[] P, int pOff, float[] D, int dOff, float[] M, int mOff, int n, float scale,
                            float[] lanes, int lanesOff) {
        int len = (n + L - 1) / L * L, last = len - L;
        // one loop per case, each reducing to a scalar: a vector merged from two branches is boxed by C2
        float dotS = M != null ? maskedDot(P, pOff, D, dOff, M, mOff, n, last, lanes, lanesOff)
                               : plainDot(P, pOff, D, dOff, n, last, lanes, lanesOff);
        FloatVector dot = FloatVector.broadcast(S, dotS), vs = FloatVector.broadcast(S, scale);
        for (int j = 0; j < len; j += L) {
            FloatVector p = FloatVector.fromArray(S, P, pOff + j);
            p.mul(FloatVector.fromArray(S, D, dOff + j).sub(dot)).mul(vs).intoArray(D, dOff + j);
        }
    }

    /** D *= M (dropout mask), zero past n; returns sum_j D_j P_j in lane order. */
    private static float maskedDot(float[] P, int pOff, float[] D, int dOff, float[] M, int mOff, int n, int last,
                                   float[] lanes, int lanesOff) {
        // j > i: dy.v_j is no gradient of anything (scalar stores first, no compare mask: see softmaxRow)
        for (int j = last; j < last + L; j++) D[dOff + j] = j < n ? D[dOff + j] * M[mOff + j] : 0f;
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < last; j += L) {
            FloatVector dp = FloatVector.fromArray(S, D, dOff + j).mul(FloatVector.fromArray(S, M, mOff + j));
            dp.intoArray(D, dOff + j);
            acc = dp.fma(FloatVector.fromArray(S, P, pOff + j), acc);
        }
        acc = FloatVector.fromArray(S, D, dOff + last).fma(FloatVector.fromArray(S, P, pOff + last), acc);
        return laneSum(acc, lanes, lanesOff);
    }

    /** Zeroes D past n; returns sum_j D_j P_j in lane order. */
    private static float plainDot(float[] P, int pOff, float[] D, int dOff, int n, int last, float[] lanes, int lanesOff) {
        for (int j = n; j < last + L; j++) D[dOff + j] = 0f;
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < last; j += L)
            acc = FloatVector.fromArray(S, D, dOff + j).fma(FloatVector.fromArray(S, P, pOff + j), acc);
        acc = FloatVector.fromArray(S, D, dOff + last).fma(FloatVector.fromArray(S, P, pOff + last), acc);
        return laneSum(acc, lanes, lanesOff);
    }

    // ---------------------------------------------------------------- one query (KV cache)

    @Override
    void addRows(float[] src, int sOff, int lds, float[] dst, int dOff, int ldd, int rows, int n) {
        int bound = S.loopBound(n);
        for (int t = 0; t < rows; t++) {
            int s = sOff + t * lds, o = dOff + t * ldd, d = 0;
            for (; d < bound; d += L)
                FloatVector.fromArray(S, dst, o + d).add(FloatVector.fromArray(S, src, s + d)).intoArray(dst, o + d);
            for (; d < n; d++) dst[o + d] += src[s + d];
        }
    }

    @Override
    void weightedSum(float[] p, int len, float[] v, int vOff, int ldv, int hs, float[] out, int outOff) {
        int d = 0;
        for (; d + 2 * L <= hs; d += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            for (int t = 0; t < len; t++) {
                int o = vOff + t * ldv + d;
                FloatVector x = FloatVector.broadcast(S, p[t]);
                a0 = x.fma(FloatVector.fromArray(S, v, o), a0);
                a1 = x.fma(FloatVector.fromArray(S, v, o + L), a1);
            }
            a0.intoArray(out, outOff + d);
            a1.intoArray(out, outOff + d + L);
        }
        for (; d + L <= hs; d += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int t = 0; t < len; t++) a0 = FloatVector.broadcast(S, p[t]).fma(FloatVector.fromArray(S, v, vOff + t * ldv + d), a0);
            a0.intoArray(out, outOff + d);
        }
        for (; d < hs; d++) {
            float acc = 0f;
            for (int t = 0; t < len; t++) acc = Math.fma(p[t], v[vOff + t * ldv + d], acc);
            out[outOff + d] = acc;
        }
    }
}
