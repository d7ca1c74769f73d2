// nanoGPT's CausalSelfAttention: one Linear makes q, k, v for all heads (c_attn), each position attends to
// itself and earlier positions, the heads' outputs are joined and projected back (c_proj), then dropout.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;

public class CausalSelfAttention extends Layer {
    public final int C, nHead;
    public final float dropout;
    private final Rng rng;
    private final Linear cAttn, cProj;
    private final Dropout residDropout;

    public CausalSelfAttention(int nEmbd, int nHead, float dropout, boolean bias, Rng rng) {
        if (nHead <= 0 || nEmbd % nHead != 0)
            throw new ShapeException("attention needs n_embd divisible by n_head, got " + nEmbd + " and " + nHead);
        this.C = nEmbd;
        this.nHead = nHead;
        this.dropout = dropout;
        this.rng = rng;
        cAttn = add("c_attn", new Linear(nEmbd, 3 * nEmbd, bias, rng)); // q, k, v for all heads at once
        cProj = add("c_proj", new Linear(nEmbd, nEmbd, bias, rng));
        residDropout = add("resid_dropout", new Dropout(dropout, rng));
    }

    /** x (B,T,C) -> (B,T,C). */
    @Override
    public Tensor forward(Tensor x) {
        Tensor qkv = cAttn.forward(x);                                        // (B,T,3C)
        Tensor y = attention(qkv, nHead, dropout, training(), rng);           // (B,T,C), heads joined
        return residDropout.forward(cProj.forward(y));                        // (B,T,C)
    }

    public Linear cAttn() { return cAttn; }

    public Linear cProj() { return cProj; }

    /**
     * Multi-head causal attention of qkv (B,T,3C) = [q | k | v], each C wide with head h in columns
     * [h*hs, (h+1)*hs): softmax(q k^T / sqrt(hs), later positions masked) with dropout on the weights, @ v, heads
     * joined back into (B,T,C). The fused op; the lecture's GPT calls it too, on its heads' weights concatenated.
     */
    public static Tensor attention(Tensor qkv, int nHead, float dropout, boolean training, Rng rng) {
        return Ops.causalSelfAttention(qkv, nHead, dropout, training, rng);
    }
}
