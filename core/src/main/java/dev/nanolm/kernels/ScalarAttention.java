// Reference attention primitives in plain loops (no padding): the fallback without the Vector API, and what
// VectorAttention is tested against. Same fused multiply-add chains as the vector GEMM, so products agree bit for bit.
package dev.nanolm.kernels;

final class ScalarAttention extends AttentionKernels {

    @Override public String name() { return "scalar"; }

    @Override int lanes() { return 1; }

    @Override
    void gemm(float[] A, int aOff, int lda, float[] bp, int K, int Np, int k0, int k1, int n, float alpha,
              float[] Cm, int cOff, int ldc, int rows) {
        int nr = nr();
        for (int c = 0; c < n; c++) {
            int c0 = c - c % nr, w = Math.min(nr, Np - c0), b = c0 * K + c - c0; // B(k,c) at b + k*w
            for (int r = 0; r < rows; r++) {
                float acc = 0f;
                for (int k = k0; k < k1; k++) acc = Math.fma(A[aOff + (k - k0) * lda + r], bp[b + k * w], acc);
                Cm[cOff + r * ldc + c] = acc * alpha;
            }
        }
    }

    @Override
    void softmaxRow(float[] x, int off, int n, float[] lanes, int lanesOff) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, x[off + j]);
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(x[off + j] - max);
            x[off + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < n; j++) x[off + j] *= inv;
    }

    @Override
    void softmaxBackwardRow(float[] P, int pOff, float[] D, int dOff, float[] M, int mOff, int n, float scale,
                            float[] lanes, int lanesOff) {
        float dot = 0f;
        for (int j = 0; j < n; j++) {
            float dp = M != null ? D[dOff + j] * M[mOff + j] : D[dOff + j];
            D[dOff + j] = dp;
            dot += dp * P[pOff + j];
        }
        for (int j = 0; j < n; j++) D[dOff + j] = P[pOff + j] * (D[dOff + j] - dot) * scale;
    }

    @Override
    void addRows(float[] src, int sOff, int lds, float[] dst, int dOff, int ldd, int rows, int n) {
        for (int t = 0; t < rows; t++)
            for (int d = 0; d < n; d++) dst[dOff + t * ldd + d] += src[sOff + t * lds + d];
    }

    @Override
    void weightedSum(float[] p, int len, float[] v, int vOff, int ldv, int hs, float[] out, int outOff) {
        for (int d = 0; d < hs; d++) {
            float acc = 0f;
            for (int t = 0; t < len; t++) acc = Math.fma(p[t], v[vOff + t * ldv + d], acc);
            out[outOff + d] = acc;
        }
    }
}
