// The hot loops of nanolm behind one interface: ScalarKernels is the reference,
// VectorKernels the fast Vector API version. Pick with Kernels.get(); force scalar with -Dnanolm.kernels=scalar.
package dev.nanolm.kernels;

public interface Kernels {

    /** Name for logs and config.json ("scalar" or "vector"). */
    String name();

    // ---- SGEMM, row-major. c[M,N] = (accumulate ? c : 0) + op(a) * op(b). Offsets index the first element. ----

    /** NN: a is (M,K), b is (K,N). */
    void matmulNN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate);

    /** NT: a is (M,K), b is (N,K), c = a * b^T (forward of Linear with weight (out,in)). */
    void matmulNT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate);

    /** TN: a is (K,M), b is (K,N), c = a^T * b (weight gradient: dW = dY^T X). */
    void matmulTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate);

    /** b prepared for many products by matmulPacked (b must not change meanwhile): op(B) = b (K,N), or b^T (N,K) when transposed. */
    default PackedB packB(float[] b, int bOff, int N, int K, boolean transposed) {
        return new PackedB(b, bOff, N, K, transposed, null);
    }

    /** Packs p's b again into p (b's values changed, its shape did not): what packB would give, without new arrays. */
    default void repackB(PackedB p) {}

    /** c[M,N] = (accumulate ? c : 0) + a (M,K) * op(B) for B from packB; the same bits as matmulNN / matmulNT. */
    default void matmulPacked(float[] a, int aOff, PackedB b, float[] c, int cOff, int M, boolean accumulate) {
        if (b.transposed()) matmulNT(a, aOff, b.b(), b.bOff(), c, cOff, M, b.N(), b.K(), accumulate);
        else matmulNN(a, aOff, b.b(), b.bOff(), c, cOff, M, b.N(), b.K(), accumulate);
    }

    // ---- row-wise ops over `rows` contiguous rows of length C ----

    /** out[r,:] = softmax(x[r,:]) (max-subtracted). x and out may be the same array. */
    void softmax(float[] x, int xOff, float[] out, int outOff, int rows, int C);

    /** out[r,:] = log_softmax(x[r,:]). */
    void logSoftmax(float[] x, int xOff, float[] out, int outOff, int rows, int C);

    /** LayerNorm forward over the last dim. Saves mean[r] and rstd[r] = 1/sqrt(var+eps) (biased variance). b may be null. */
    void layerNormForward(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd, int rows, int C, float eps);

    /** LayerNorm backward; accumulates (+=) into dx, dw, db (db may be null). */
    void layerNormBackward(float[] dout, float[] x, float[] w, float[] mean, float[] rstd,
                           float[] dx, float[] dw, float[] db, int rows, int C);

    // ---- elementwise ----

    /** out = gelu(x), tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    void geluForward(float[] x, float[] out, int n);

    /** dx += dout * gelu'(x). */
    void geluBackward(float[] x, float[] dout, float[] dx, int n);

    /** out = tanh(x) elementwise; out may be x. */
    void tanhForward(float[] x, float[] out, int n);

    /** out = sigmoid(x) = 1 / (1 + exp(-x)) elementwise; out may be x. */
    void sigmoidForward(float[] x, float[] out, int n);

    /**
     * The pre-activation gradients of a GRU step (CellOps.gruCell's equations) for one row of H units: gy = dL/dh'
     * from dh (replaced by gy*z, the direct path to h), r and z from rz (r at rzOff, z at rzOff+H), the tanh output n,
     * the previous state h and hp_n from p; writes g[gOff..+3H) = (d r_pre, d z_pre, d n_pre).
     */
    default void gruGateGrads(float[] dh, int dhOff, float[] rz, int rzOff, float[] n, int nOff, float[] h, int hOff,
                              float[] p, int pnOff, float[] g, int gOff, int H) {
        gruGateGradsScalar(dh, dhOff, rz, rzOff, n, nOff, h, hOff, p, pnOff, g, gOff, H, 0);
    }

    /** gruGateGrads' reference loop over units [from, H): the scalar kernel, and the vector kernel's tail. */
    static void gruGateGradsScalar(float[] dh, int dhOff, float[] rz, int rzOff, float[] n, int nOff, float[] h, int hOff,
                                   float[] p, int pnOff, float[] g, int gOff, int H, int from) {
        for (int j = from; j < H; j++) {
            float gy = dh[dhOff + j], r = rz[rzOff + j], z = rz[rzOff + H + j], nv = n[nOff + j];
            float dnPre = gy * (1 - z) * (1 - nv * nv);
            g[gOff + j] = dnPre * p[pnOff + j] * r * (1 - r);
            g[gOff + H + j] = gy * (h[hOff + j] - nv) * z * (1 - z);
            g[gOff + 2 * H + j] = dnPre;
            dh[dhOff + j] = gy * z;
        }
    }

    /**
     * One row of an LSTM step's backward (gate order i, f, g, o), units [0,H): from dh and dc, the gradients of h' and
     * c' at offset o, writes the pre-activation gradients into dp[po, po+4H), sets dc to the gradient of c (dc * f)
     * and dh to 0 (h reaches h' only through the gates). sig holds [i | f | o] gate-major (BH apart) at o, g = gt[o+j],
     * tanh(c') = tc[o+j], c = cs[cOff+o+j].
     */
    default void lstmGateGrads(float[] dh, float[] dc, int o, float[] sig, int BH, float[] gt, float[] tc,
                               float[] cs, int cOff, float[] dp, int po, int H) {
        lstmGateGradsScalar(dh, dc, o, sig, BH, gt, tc, cs, cOff, dp, po, H, 0);
    }

    /** lstmGateGrads' reference loop over units [from, H): the scalar kernel, and the vector kernel's tail. */
    static void lstmGateGradsScalar(float[] dh, float[] dc, int o, float[] sig, int BH, float[] gt, float[] tc,
                                    float[] cs, int cOff, float[] dp, int po, int H, int from) {
        for (int j = from; j < H; j++) {
            float i = sig[o + j], f = sig[BH + o + j], og = sig[2 * BH + o + j], g = gt[o + j], tcv = tc[o + j];
            float gy = dh[o + j], dcv = dc[o + j] + gy * og * (1 - tcv * tcv);
            dp[po + j] = dcv * g * i * (1 - i);
            dp[po + H + j] = dcv * cs[cOff + o + j] * f * (1 - f);
            dp[po + 2 * H + j] = dcv * i * (1 - g * g);
            dp[po + 3 * H + j] = gy * tcv * og * (1 - og);
            dc[o + j] = dcv * f;
            dh[o + j] = 0f;
        }
    }

    /** out[i] = a[i] + b[i] * c[i], i in [0,n), rounded after the product and after the sum (no fma). */
    default void addProduct(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i] * c[cOff + i];
    }

    /** y[i] += alpha * x[i], i in [0,n). */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** sum of x[i]*y[i]. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    // ---- optimizer ----

    /**
     * AdamW step on p[off, off+n): decoupled weight decay p -= lr*wd*p, then
     * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * (m/bc1) / (sqrt(v/bc2) + eps),
     * with bc1 = 1-b1^t and bc2 = 1-b2^t given by the caller.
     */
    void adamw(float[] p, float[] g, float[] m, float[] v, int off, int n,
               float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2);

    /** The kernels chosen at start-up: vector unless -Dnanolm.kernels=scalar (or the Vector API is unavailable). */
    static Kernels get() { return KernelsHolder.INSTANCE; }
}
