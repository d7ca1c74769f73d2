// A whole LSTM layer's recurrence (all T steps of one direction) as one op, as GruLayerOps does for the GRU: per step
// only h W_hh^T and the gates run; backward keeps every step's gate gradients so dW_hh and db_hh are one product over
// all B*T rows at the end, and no per-step tape nodes, views, splits or concats are made.
package dev.nanolm.autograd;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.PackedB;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Tensor;

final class LstmLayerOps {
    private LstmLayerOps() {}

    /**
     * {out (B,T,H), cN (B,H)}: the hidden states of PyTorch's LSTM over xg (B,T,4H) = x W_ih^T + b_ih (gate order
     * i, f, g, o), with wHh (4H,H), bHh (4H) or null, h0 and c0 (B,H) or null for zeros, and the cell state after the
     * last step taken. reverse runs t = T-1 .. 0; with lengths, a step t >= lengths[b] keeps row b's h and c.
     * Same equations and rounding as Lstm.step's ops: c' = f*c + i*g, h' = o*tanh(c').
     */
    static Tensor[] lstmLayer(Tensor xg, Tensor wHh, Tensor bHh, Tensor h0, Tensor c0, int[] lengths, boolean reverse) {
        RecurrentLayers.check("lstmLayer", 4, xg, wHh, bHh, lengths, h0, c0);
        int B = xg.dim(0), T = xg.dim(1), H = wHh.dim(1), G = 4 * H, BH = B * H;
        Kernels k = Ops.kernels();
        float[] X = xg.data, W = wHh.data;
        // Hs, Cs (T+1, B, H): h and c before step s (in step order) at s, contiguous per step for the GEMMs and dW_hh
        float[] Hs = Arena.floats((T + 1) * BH), Cs = Arena.floats((T + 1) * BH), P = Arena.floats(T * B * G);
        // per step, gate-major so that one kernel call activates each kind: SIG = [i | f | o] (3,B,H) after the
        // sigmoid, GT = g after the tanh, TC = tanh(c')
        float[][] SIG = new float[T][], GT = new float[T][], TC = new float[T][];
        for (int s = 0; s < T; s++) { SIG[s] = Arena.floats(3 * BH); GT[s] = Arena.floats(BH); TC[s] = Arena.floats(BH); }
        boolean grad = Tape.needsGrad(xg, wHh, bHh, h0, c0);
        // the backward's buffers, taken here so that a replayed step takes nothing: dh and dc, the gradients of the
        // state after the step being undone; DP (T,B,4H), the gradients of each step's pre-activations
        float[] dh = grad ? Arena.floats(BH) : null, dc = grad ? Arena.floats(BH) : null;
        float[] DP = grad ? Arena.floats(T * B * G) : null;
        PackedB[] packed = new PackedB[2]; // W_hh packed for the forward and for the backward, repacked on replay
        Tensor out = Tensor.zeros(B, T, H), cN = Tensor.zeros(B, H);
        Tape.compute(out, () -> {
            PackedB wT = RecurrentLayers.packed(k, packed, 0, W, G, H);
            if (h0 != null) System.arraycopy(h0.data, 0, Hs, 0, BH);
            if (c0 != null) System.arraycopy(c0.data, 0, Cs, 0, BH);
            for (int s = 0; s < T; s++) {
                int t = reverse ? T - 1 - s : s, hs = s * BH, ps = s * B * G;
                RecurrentLayers.recurrentProduct(k, Hs, hs, wT, bHh, P, ps, B, G); // hp = h W_hh^T + b_hh
                float[] sig = SIG[s], gt = GT[s], tc = TC[s];
                for (int b = 0; b < B; b++) { // pre-activations x + hp, gathered gate-major
                    int xo = (b * T + t) * G, po = ps + b * G, o = b * H;
                    for (int j = 0; j < H; j++) {
                        sig[o + j] = X[xo + j] + P[po + j];                                 // i
                        sig[BH + o + j] = X[xo + H + j] + P[po + H + j];                   // f
                        gt[o + j] = X[xo + 2 * H + j] + P[po + 2 * H + j];                 // g
                        sig[2 * BH + o + j] = X[xo + 3 * H + j] + P[po + 3 * H + j];       // o
                    }
                }
                k.sigmoidForward(sig, sig, 3 * BH);
                k.tanhForward(gt, gt, BH);
                int next = hs + BH;
                for (int b = 0; b < B; b++) {
                    int o = b * H;
                    if (lengths != null && t >= lengths[b]) { // padding: hold h and c
                        System.arraycopy(Cs, hs + o, Cs, next + o, H); // (tc of a held row is never read)
                    } else for (int j = 0; j < H; j++) {
                        float c2 = sig[BH + o + j] * Cs[hs + o + j] + sig[o + j] * gt[o + j];
                        Cs[next + o + j] = c2;
                        tc[o + j] = c2;
                    }
                }
                k.tanhForward(tc, tc, BH);
                for (int b = 0; b < B; b++) {
                    int o = b * H;
                    if (lengths != null && t >= lengths[b]) System.arraycopy(Hs, hs + o, Hs, next + o, H);
                    else for (int j = 0; j < H; j++) Hs[next + o + j] = sig[2 * BH + o + j] * tc[o + j];
                    System.arraycopy(Hs, next + o, out.data, (b * T + t) * H, H);
                }
            }
        });
        if (grad) Tape.record(out, () -> {
            float[] g = out.grad(), dX = xg.requiresGrad ? xg.grad() : null;
            PackedB w = RecurrentLayers.packed(k, packed, 1, W, G, H);
            RecurrentLayers.lastOutputGrad(g, dh, B, T, H, reverse);
            if (cN.hasGrad()) System.arraycopy(cN.grad(), 0, dc, 0, BH);
            else java.util.Arrays.fill(dc, 0f);
            for (int s = T - 1; s >= 0; s--) {
                int t = reverse ? T - 1 - s : s, hs = s * BH, ps = s * B * G;
                for (int b = 0; b < B; b++) {
                    if (lengths != null && t >= lengths[b]) continue; // held state: dh and dc pass through unchanged
                    int o = b * H, po = ps + b * G;
                    // DP's row from dh and dc; dc becomes dc * f, dh zero (h reaches h' only through the gates:
                    // h W_hh^T's part is added below)
                    k.lstmGateGrads(dh, dc, o, SIG[s], BH, GT[s], TC[s], Cs, hs, DP, po, H);
                    if (dX != null) k.axpy(1f, DP, po, dX, (b * T + t) * G, G);
                }
                if (s > 0) RecurrentLayers.addOutputGrad(k, g, dh, B, T, H, t, reverse); // the previous step's own output
                k.matmulPacked(DP, ps, w, dh, 0, B, true); // dh += dhp W_hh
            }
            if (h0 != null && h0.requiresGrad) k.axpy(1f, dh, 0, h0.grad(), 0, BH);
            if (c0 != null && c0.requiresGrad) k.axpy(1f, dc, 0, c0.grad(), 0, BH);
            // the weight gradients of all steps at once: dW_hh += DP^T Hs[0..T), db_hh += column sums of DP
            RecurrentLayers.weightGrads(k, DP, Hs, wHh, bHh, T * B);
        });
        // the final cell state: a second output of the same op. Its own node only makes sure the layer's backward
        // runs (giving out a gradient) when cN alone is used; the layer's backward reads cN's gradient as dc.
        Tape.compute(cN, () -> System.arraycopy(Cs, T * BH, cN.data, 0, BH));
        if (grad) Tape.record(cN, out::grad);
        return new Tensor[] {out, cN};
    }
}
