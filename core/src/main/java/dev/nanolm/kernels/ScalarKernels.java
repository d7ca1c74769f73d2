// Reference kernels: plain loops, double accumulation where it matters. Slow, obviously right;
// VectorKernels is tested against these.
package dev.nanolm.kernels;

public class ScalarKernels implements Kernels {

    @Override public String name() { return "scalar"; }

    @Override
    public void matmulNN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate) {
        for (int i = 0; i < M; i++) {
            int ci = cOff + i * N;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + N, 0f);
            for (int k = 0; k < K; k++) {
                float aik = a[aOff + i * K + k];
                int bk = bOff + k * N;
                for (int j = 0; j < N; j++) c[ci + j] += aik * b[bk + j];
            }
        }
    }

    @Override
    public void matmulNT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate) {
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                float s = 0f;
                int ai = aOff + i * K, bj = bOff + j * K;
                for (int k = 0; k < K; k++) s += a[ai + k] * b[bj + k];
                int idx = cOff + i * N + j;
                c[idx] = accumulate ? c[idx] + s : s;
            }
        }
    }

    @Override
    public void matmulTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate) {
        if (!accumulate) for (int i = 0; i < M; i++) java.util.Arrays.fill(c, cOff + i * N, cOff + i * N + N, 0f);
        for (int k = 0; k < K; k++) {
            int ak = aOff + k * M, bk = bOff + k * N;
            for (int i = 0; i < M; i++) {
                float aki = a[ak + i];
                int ci = cOff + i * N;
                for (int j = 0; j < N; j++) c[ci + j] += aki * b[bk + j];
            }
        }
    }

    @Override
    public void softmax(float[] x, int xOff, float[] out, int outOff, int rows, int C) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * C, oi = outOff + r * C;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < C; j++) max = Math.max(max, x[xi + j]);
            double sum = 0;
            for (int j = 0; j < C; j++) {
                float e = (float) Math.exp(x[xi + j] - max);
                out[oi + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < C; j++) out[oi + j] *= inv;
        }
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] out, int outOff, int rows, int C) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * C, oi = outOff + r * C;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < C; j++) max = Math.max(max, x[xi + j]);
            double sum = 0;
            for (int j = 0; j < C; j++) sum += Math.exp(x[xi + j] - max);
            float lse = max + (float) Math.log(sum);
            for (int j = 0; j < C; j++) out[oi + j] = x[xi + j] - lse;
        }
    }

    @Override
    public void layerNormForward(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd, int rows, int C, float eps) {
        for (int r = 0; r < rows; r++) {
            int o = r * C;
            double s = 0;
            for (int j = 0; j < C; j++) s += x[o + j];
            float m = (float) (s / C);
            double v = 0;
            for (int j = 0; j < C; j++) { float d = x[o + j] - m; v += d * d; }
            float rs = (float) (1.0 / Math.sqrt(v / C + eps));
            for (int j = 0; j < C; j++) {
                float n = (x[o + j] - m) * rs;
                out[o + j] = n * w[j] + (b != null ? b[j] : 0f);
            }
            mean[r] = m;
            rstd[r] = rs;
        }
    }

    @Override
    public void layerNormBackward(float[] dout, float[] x, float[] w, float[] mean, float[] rstd,
                                  float[] dx, float[] dw, float[] db, int rows, int C) {
        for (int r = 0; r < rows; r++) {
            int o = r * C;
            float m = mean[r], rs = rstd[r];
            // dnorm = dout * w; dx = rs * (dnorm - mean(dnorm) - norm * mean(dnorm * norm))
            double sumD = 0, sumDN = 0;
            for (int j = 0; j < C; j++) {
                float n = (x[o + j] - m) * rs;
                float dn = dout[o + j] * w[j];
                sumD += dn;
                sumDN += dn * n;
                dw[j] += dout[o + j] * n;
                if (db != null) db[j] += dout[o + j];
            }
            float meanD = (float) (sumD / C), meanDN = (float) (sumDN / C);
            for (int j = 0; j < C; j++) {
                float n = (x[o + j] - m) * rs;
                float dn = dout[o + j] * w[j];
                dx[o + j] += rs * (dn - meanD - n * meanDN);
            }
        }
    }

    @Override
    public void tanhForward(float[] x, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = (float) Math.tanh(x[i]);
    }

    @Override
    public void sigmoidForward(float[] x, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = (float) (1.0 / (1.0 + Math.exp(-x[i])));
    }

    static final float GELU_K = 0.7978845608028654f; // sqrt(2/pi)

    @Override
    public void geluForward(float[] x, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float t = (float) Math.tanh(GELU_K * (v + 0.044715f * v * v * v));
            out[i] = 0.5f * v * (1f + t);
        }
    }

    @Override
    public void geluBackward(float[] x, float[] dout, float[] dx, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float u = GELU_K * (v + 0.044715f * v * v * v);
            float t = (float) Math.tanh(u);
            float du = GELU_K * (1f + 3f * 0.044715f * v * v);
            float g = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du;
            dx[i] += dout[i] * g;
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override
    public void adamw(float[] p, float[] g, float[] m, float[] v, int off, int n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        float decay = 1f - lr * weightDecay;
        for (int i = off; i < off + n; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + (1f - beta1) * gi;
            float vi = beta2 * v[i] + (1f - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float mhat = mi / bc1, vhat = vi / bc2;
            p[i] = p[i] * decay - lr * mhat / ((float) Math.sqrt(vhat) + eps);
        }
    }
}
