// What the fused GRU and LSTM layer ops (GruLayerOps, LstmLayerOps) share: their checks, the per-step recurrent
// product h W_hh^T + b_hh, the outputs' gradients entering the backward, and the weight gradients of all steps as
// one product at the end.
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.PackedB;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;

final class RecurrentLayers {
    private RecurrentLayers() {}

    /** xg (B,T,gates*H), wHh (gates*H,H), bHh (gates*H) or null, each state (B,H) or null, one length per row or null. */
    static void check(String op, int gates, Tensor xg, Tensor wHh, Tensor bHh, int[] lengths, Tensor... states) {
        if (xg.rank() != 3 || wHh.rank() != 2 || wHh.dim(0) != gates * wHh.dim(1) || xg.dim(2) != wHh.dim(0))
            throw new ShapeException(op + ": needs xg (B,T," + gates + "H) and wHh (" + gates + "H,H), got "
                    + OpUtil.s(xg) + ", " + OpUtil.s(wHh));
        int B = xg.dim(0), H = wHh.dim(1), G = gates * H;
        if (bHh != null && (bHh.rank() != 1 || bHh.dim(0) != G))
            throw new ShapeException(op + ": bias_hh must be (" + G + "), got " + OpUtil.s(bHh));
        for (Tensor s : states)
            if (s != null && (s.rank() != 2 || s.dim(0) != B || s.dim(1) != H))
                throw new ShapeException(op + ": initial states must be (" + B + ", " + H + "), got " + OpUtil.s(s));
        if (lengths != null && lengths.length != B)
            throw new ShapeException(op + ": needs one length per row (" + B + "), got " + lengths.length);
    }

    /**
     * W_hh (G,H) packed in kept[i] for this call's products: packed the first time, packed again into the same buffers
     * later (a replayed step: the weights changed since). i = 0: transposed (h W_hh^T), 1: as is (dhp W_hh).
     */
    static PackedB packed(Kernels k, PackedB[] kept, int i, float[] W, int G, int H) {
        if (kept[i] == null) kept[i] = i == 0 ? k.packB(W, 0, G, H, true) : k.packB(W, 0, H, G, false);
        else k.repackB(kept[i]);
        return kept[i];
    }

    /** P[ps..] (B,G) = Hs[hs..] (B,H) W_hh^T + b_hh, wT being W_hh packed transposed. */
    static void recurrentProduct(Kernels k, float[] Hs, int hs, PackedB wT, Tensor bHh, float[] P, int ps, int B, int G) {
        k.matmulPacked(Hs, hs, wT, P, ps, B, false);
        if (bHh != null)
            for (int b = 0; b < B; b++) k.axpy(1f, bHh.data, 0, P, ps + b * G, G); // 1*b + p: exactly p + b
    }

    /** dh (B,H) = the output gradient g (B,T,H) at the last step taken (t = T-1, or 0 in reverse): where backward starts. */
    static void lastOutputGrad(float[] g, float[] dh, int B, int T, int H, boolean reverse) {
        for (int b = 0; b < B; b++) System.arraycopy(g, (b * T + (reverse ? 0 : T - 1)) * H, dh, b * H, H);
    }

    /** dh += g at the step taken before t (t-1, or t+1 in reverse): that step's own output gradient. */
    static void addOutputGrad(Kernels k, float[] g, float[] dh, int B, int T, int H, int t, boolean reverse) {
        int tp = reverse ? t + 1 : t - 1;
        for (int b = 0; b < B; b++) k.axpy(1f, g, (b * T + tp) * H, dh, b * H, H);
    }

    /** dW_hh += DP^T Hs and db_hh += DP's column sums over all rows (T*B) of all steps, once at the end. */
    static void weightGrads(Kernels k, float[] DP, float[] Hs, Tensor wHh, Tensor bHh, int rows) {
        int G = wHh.dim(0), H = wHh.dim(1);
        if (wHh.requiresGrad) k.matmulTN(DP, 0, Hs, 0, wHh.grad(), 0, G, H, rows, true);
        if (bHh != null && bHh.requiresGrad) {
            float[] dB = bHh.grad();
            for (int r = 0; r < rows; r++) k.axpy(1f, DP, r * G, dB, 0, G);
        }
    }
}
