// The Baby Dragon Hatchling's attention pieces (Pathway's bdh.py): rotary position phases applied to interleaved
// pairs (RoPE), and strictly causal linear attention without softmax, out = (Q Q^T).tril(-1) @ V, fused per (b, head).
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;

final class LinearAttentionOps {
    private LinearAttentionOps() {}

    /**
     * bdh.py's rope: y = x * cos + rot(x) * sin with rot(x) = interleave(-x[1::2], x[::2]), i.e. each pair (x0, x1)
     * turns into (x0 cos - x1 sin, x1 cos + x0 sin). x (..., T, N) with N even; cos and sin constant (T', N) tables
     * for T' >= T positions (the first T rows are used, so one table serves every shorter sequence).
     */
    static Tensor rope(Tensor x, float[] cos, float[] sin) {
        if (x.rank() < 2 || x.dim(-1) % 2 != 0)
            throw new ShapeException("rope: needs x (..., T, N) with N even, got " + OpUtil.s(x));
        int T = x.dim(-2), N = x.dim(-1), TN = T * N, rows = x.numel() / TN;
        if (cos.length < TN || sin.length < TN || cos.length % N != 0 || sin.length != cos.length)
            throw new ShapeException("rope: tables of " + cos.length + " and " + sin.length + " phases do not fit x " + OpUtil.s(x));
        Tensor out = Tensor.zeros(x.shape);
        float[] X = x.data, Y = out.data;
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < TN; i += 2) {
                int o = r * TN + i;
                float x0 = X[o], x1 = X[o + 1];
                Y[o] = x0 * cos[i] - x1 * sin[i];
                Y[o + 1] = x1 * cos[i + 1] + x0 * sin[i + 1];
            }
        if (Tape.needsGrad(x)) Tape.record(out, () -> {
            float[] dY = out.grad(), dX = x.grad();
            for (int r = 0; r < rows; r++)
                for (int i = 0; i < TN; i += 2) {
                    int o = r * TN + i;
                    dX[o] += dY[o] * cos[i] + dY[o + 1] * sin[i + 1];
                    dX[o + 1] += dY[o + 1] * cos[i + 1] - dY[o] * sin[i];
                }
        });
        return out;
    }

    /**
     * bdh.py's attention with K = Q and one value stream shared by all heads: q (B,nh,T,N), v (B,T,D) ->
     * (B,nh,T,D) = S @ v with S = (q q^T) keeping only s < t (strictly causal: a position never attends to itself).
     * Per (b, head): S (T,T) by one product (the masked half is computed and zeroed: the kernels are dense), kept
     * for the backward; dS = (dOut v^T) masked, dq += dS q + dS^T q, dv += S^T dOut summed over the heads.
     */
    static Tensor causalLinearAttention(Tensor q, Tensor v) {
        if (q.rank() != 4 || v.rank() != 3 || q.dim(0) != v.dim(0) || q.dim(2) != v.dim(1))
            throw OpUtil.mismatch("causalLinearAttention", q, v, "do not fit (need q (B,nh,T,N) and v (B,T,D))");
        int B = q.dim(0), nh = q.dim(1), T = q.dim(2), N = q.dim(3), D = v.dim(2), TT = T * T;
        if ((long) B * nh * TT > Integer.MAX_VALUE)
            throw new ShapeException("causalLinearAttention: scores for " + OpUtil.s(q) + " exceed one array");
        Kernels k = Ops.kernels();
        boolean grad = Tape.needsGrad(q, v);
        Tensor out = Tensor.zeros(B, nh, T, D);
        float[] S = grad ? Arena.floats(B * nh * TT) : new float[TT]; // kept per (b,h) for the backward
        for (int b = 0; b < B; b++)
            for (int h = 0; h < nh; h++) {
                int bh = b * nh + h, sOff = grad ? bh * TT : 0, qOff = bh * T * N;
                k.matmulNT(q.data, qOff, q.data, qOff, S, sOff, T, T, N, false);  // (T,T) = q q^T
                maskStrictlyLower(S, sOff, T);
                k.matmulNN(S, sOff, v.data, b * T * D, out.data, bh * T * D, T, D, T, false);
            }
        if (grad) Tape.record(out, () -> {
            float[] dOut = out.grad(), dS = new float[TT];
            for (int b = 0; b < B; b++)
                for (int h = 0; h < nh; h++) {
                    int bh = b * nh + h, sOff = bh * TT, qOff = bh * T * N, oOff = bh * T * D;
                    if (v.requiresGrad) k.matmulTN(S, sOff, dOut, oOff, v.grad(), b * T * D, T, D, T, true); // dv += S^T dOut
                    if (!q.requiresGrad) continue;
                    k.matmulNT(dOut, oOff, v.data, b * T * D, dS, 0, T, T, D, false);                     // dS = dOut v^T
                    maskStrictlyLower(dS, 0, T);
                    k.matmulNN(dS, 0, q.data, qOff, q.grad(), qOff, T, N, T, true);                      // dq += dS q
                    k.matmulTN(dS, 0, q.data, qOff, q.grad(), qOff, T, N, T, true);                      // dq += dS^T q
                }
        });
        return out;
    }

    /** Zeroes the diagonal and above of the (T,T) matrix at off (bdh.py's tril(diagonal=-1)). */
    private static void maskStrictlyLower(float[] m, int off, int T) {
        for (int t = 0; t < T; t++) java.util.Arrays.fill(m, off + t * T + t, off + (t + 1) * T, 0f);
    }
}
