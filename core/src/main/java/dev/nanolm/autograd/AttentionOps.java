// Fused multi-head causal self-attention over nanoGPT's c_attn output (B,T,3C): shape checks, dropout seeds and the
// tape record; the loops (forward and backward side by side) are in kernels.AttentionKernels.
package dev.nanolm.autograd;

import dev.nanolm.kernels.AttentionKernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Tensor;

final class AttentionOps {
    private AttentionOps() {}

    static Tensor causalSelfAttention(Tensor qkv, int nHead, float dropout, boolean training, Rng rng) {
        String op = "causalSelfAttention";
        if (qkv.rank() != 3) throw new ShapeException(op + ": qkv must be (B,T,3C), got " + OpUtil.s(qkv));
        if (nHead <= 0) throw new ShapeException(op + ": nHead must be positive, got " + nHead);
        int B = qkv.dim(0), T = qkv.dim(1), C3 = qkv.dim(2);
        if (C3 % 3 != 0) throw new ShapeException(op + ": last dim of qkv " + OpUtil.s(qkv) + " is not 3*C");
        int C = C3 / 3;
        if (C % nHead != 0) throw new ShapeException(op + ": C = " + C + " (qkv " + OpUtil.s(qkv) + ") is not divisible by nHead = " + nHead);
        if (!(dropout >= 0f && dropout < 1f)) throw new IllegalArgumentException(op + ": dropout must be in [0, 1), got " + dropout);
        boolean drop = training && dropout > 0f;
        if (drop && rng == null) throw new IllegalArgumentException(op + ": dropout in training needs an Rng");

        AttentionKernels ak = AttentionKernels.of(Ops.kernels());
        Tensor out = Tensor.zeros(B, T, C);
        if (out.numel() == 0) return out;
        // One seed per (b,h), drawn here in order: the masks do not depend on how the pairs are split over threads,
        // and the backward regenerates them instead of storing them.
        long[] seeds = drop ? new long[B * nHead] : null;
        boolean grad = Tape.needsGrad(qkv);
        long saved = ak.savedSize(B, T, nHead);
        if (grad && saved > Integer.MAX_VALUE)
            throw new ShapeException(op + ": attention weights for " + OpUtil.s(qkv) + " and " + nHead + " heads exceed one array");
        float[] att = grad ? Arena.floats((int) saved) : null; // softmax probabilities (B,nHead,T,Tp) for the backward
        Tape.compute(out, () -> {
            if (drop) AttentionKernels.dropoutSeeds(rng, seeds); // a replay draws new seeds, as running the op again would
            ak.forward(qkv.data, out.data, B, T, C, nHead, att, seeds, dropout);
        });
        if (grad) Tape.record(out, () -> ak.backward(qkv.data, qkv.grad(), out.grad(), B, T, C, nHead, att, seeds, dropout));
        return out;
    }
}
