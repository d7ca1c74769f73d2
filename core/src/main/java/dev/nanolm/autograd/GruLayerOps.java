// A whole GRU layer's recurrence (all T steps of one direction) as one op: per step only h W_hh^T and the gates run;
// backward keeps every step's gate gradients so dW_hh and db_hh are one product over all B*T rows at the end instead
// of T small accumulating ones, and no per-step tape nodes, views, splits or concats are made.
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.PackedB;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Tensor;

final class GruLayerOps {
    private GruLayerOps() {}

    /**
     * out (B,T,H): the states of PyTorch's GRU over xg (B,T,3H) = x W_ih^T + b_ih, with wHh (3H,H), bHh (3H) or null,
     * h0 (B,H) or null for zeros. reverse runs t = T-1 .. 0. With lengths, a step t >= lengths[b] keeps row b's state
     * (as Recurrent does for padding). Same equations and gate order (r, z, n) as CellOps.gruCell.
     */
    static Tensor gruLayer(Tensor xg, Tensor wHh, Tensor bHh, Tensor h0, int[] lengths, boolean reverse) {
        RecurrentLayers.check("gruLayer", 3, xg, wHh, bHh, lengths, h0);
        int B = xg.dim(0), T = xg.dim(1), H = wHh.dim(1), G = 3 * H;
        Kernels k = Ops.kernels();
        float[] X = xg.data, W = wHh.data;
        // Hs (T+1, B, H): state before step s (in step order) at s; contiguous per step for the GEMMs and for dW_hh
        float[] Hs = Arena.floats((T + 1) * B * H), P = Arena.floats(T * B * G);
        float[][] RZ = new float[T][], N = new float[T][];
        for (int s = 0; s < T; s++) { RZ[s] = Arena.floats(B * 2 * H); N[s] = Arena.floats(B * H); }
        boolean grad = Tape.needsGrad(xg, wHh, bHh, h0);
        // the backward's buffers, taken here (not in the backward) so that a replayed step takes nothing:
        // dh, the gradient of the state after the step being undone; DP (T,B,3H), the gradients of each step's hp
        float[] dh = grad ? Arena.floats(B * H) : null, DP = grad ? Arena.floats(T * B * G) : null;
        // W_hh packed once per forward (and once per backward, the other way round), kept for a replay to repack
        PackedB[] packed = new PackedB[2];
        Tensor out = Tensor.zeros(B, T, H);
        Tape.compute(out, () -> {
            PackedB wT = RecurrentLayers.packed(k, packed, 0, W, G, H);
            if (h0 != null) System.arraycopy(h0.data, 0, Hs, 0, B * H);
            for (int s = 0; s < T; s++) {
                int t = reverse ? T - 1 - s : s, hs = s * B * H, ps = s * B * G;
                RecurrentLayers.recurrentProduct(k, Hs, hs, wT, bHh, P, ps, B, G); // hp = h W_hh^T + b_hh
                float[] rz = RZ[s], n = N[s];
                for (int b = 0; b < B; b++) { // rz = xg_rz + hp_rz (rz starts zeroed: 0 + x + p, exactly x + p)
                    k.axpy(1f, X, (b * T + t) * G, rz, b * 2 * H, 2 * H);
                    k.axpy(1f, P, ps + b * G, rz, b * 2 * H, 2 * H);
                }
                k.sigmoidForward(rz, rz, rz.length);
                for (int b = 0; b < B; b++) // n_pre = xg_n + r * hp_n
                    k.addProduct(X, (b * T + t) * G + 2 * H, rz, b * 2 * H, P, ps + b * G + 2 * H, n, b * H, H);
                k.tanhForward(n, n, n.length);
                for (int b = 0; b < B; b++) {
                    int o = (b * T + t) * H, next = hs + B * H + b * H;
                    if (lengths != null && t >= lengths[b]) System.arraycopy(Hs, hs + b * H, Hs, next, H); // padding: hold
                    else for (int j = 0; j < H; j++) {
                        float z = rz[b * 2 * H + H + j], nv = n[b * H + j];
                        Hs[next + j] = nv + z * (Hs[hs + b * H + j] - nv);
                    }
                    System.arraycopy(Hs, next, out.data, o, H);
                }
            }
        });
        if (grad) Tape.record(out, () -> {
            float[] g = out.grad(), dX = xg.requiresGrad ? xg.grad() : null;
            PackedB w = RecurrentLayers.packed(k, packed, 1, W, G, H);
            RecurrentLayers.lastOutputGrad(g, dh, B, T, H, reverse);
            for (int s = T - 1; s >= 0; s--) {
                int t = reverse ? T - 1 - s : s, hs = s * B * H, ps = s * B * G;
                float[] rz = RZ[s], n = N[s];
                for (int b = 0; b < B; b++) {
                    if (lengths != null && t >= lengths[b]) continue; // held state: dh passes through unchanged
                    int xo = (b * T + t) * G, po = ps + b * G, ho = b * H;
                    // the pre-activation gradients into DP's row; dh becomes the direct path h -> h' (gy * z),
                    // h W_hh^T's part is added below
                    k.gruGateGrads(dh, ho, rz, b * 2 * H, n, ho, Hs, hs + ho, P, po + 2 * H, DP, po, H);
                    if (dX != null) k.axpy(1f, DP, po, dX, xo, G);
                    for (int j = 0; j < H; j++) DP[po + 2 * H + j] *= rz[b * 2 * H + j]; // hp_n enters times r
                }
                if (s > 0) RecurrentLayers.addOutputGrad(k, g, dh, B, T, H, t, reverse); // the previous step's own output
                k.matmulPacked(DP, ps, w, dh, 0, B, true); // dh += dhp W_hh
            }
            if (h0 != null && h0.requiresGrad) k.axpy(1f, dh, 0, h0.grad(), 0, B * H);
            // the weight gradients of all steps at once: dW_hh += DP^T Hs[0..T), db_hh += column sums of DP
            RecurrentLayers.weightGrads(k, DP, Hs, wHh, bHh, T * B);
        });
        return out;
    }
}
