// nanoGPT's CausalSelfAttention: one Linear makes q, k, v for all heads (c_attn), each position attends to
// itself and earlier positions, the heads' outputs are joined and projected back (c_proj), then dropout.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

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
        Tensor y = attention(qkv, nHead, dropout, training(), rng);           // (B,T,C)
        return residDropout.forward(cProj.forward(y));                        // (B,T,C)
    }

    public Linear cAttn() { return cAttn; }

    public Linear cProj() { return cProj; }

    /**
     * Multi-head causal attention of qkv (B,T,3C) = [q | k | v], each C wide with head h in columns
     * [h*hs, (h+1)*hs): softmax(q k^T / sqrt(hs) + causal mask) with dropout on the weights, @ v, heads joined
     * back into (B,T,C). Composed from existing ops until the fused Ops.causalSelfAttention lands.
     */
    public static Tensor attention(Tensor qkv, int nHead, float dropout, boolean training, Rng rng) {
        if (qkv.rank() != 3 || qkv.dim(2) % (3 * nHead) != 0)
            throw new ShapeException("attention needs qkv (B,T,3C) with C divisible by " + nHead + " heads, got "
                    + Arrays.toString(qkv.shape));
        int B = qkv.dim(0), T = qkv.dim(1), C = qkv.dim(2) / 3, hs = C / nHead;
        Tensor[] parts = Ops.split(qkv, 2, C, C, C);                                     // 3 x (B,T,C)
        Tensor q = heads(parts[0], B, T, nHead, hs), k = heads(parts[1], B, T, nHead, hs),
               v = heads(parts[2], B, T, nHead, hs);                                    // (B,nh,T,hs)
        Tensor att = Ops.mulScalar(Ops.matmulNT(q, k), (float) (1.0 / Math.sqrt(hs)));  // (B,nh,T,T)
        att = Ops.softmax(Ops.add(att, causalMask(T)));                                 // (B,nh,T,T)
        att = Ops.dropout(att, dropout, training, rng);
        Tensor y = Ops.matmul(att, v);                                                  // (B,nh,T,hs)
        return Ops.view(Ops.transpose(y, 1, 2), B, T, C);                               // (B,T,C)
    }

    /** (B,T,C) -> (B,nh,T,hs). */
    private static Tensor heads(Tensor x, int B, int T, int nHead, int hs) {
        return Ops.transpose(Ops.view(x, B, T, nHead, hs), 1, 2);
    }

    /** (T,T): 0 on and below the diagonal, -inf above (a position never sees a later one). */
    private static Tensor causalMask(int T) {
        Tensor m = Tensor.zeros(T, T);
        for (int i = 0; i < T; i++) Arrays.fill(m.data, i * T + i + 1, (i + 1) * T, Float.NEGATIVE_INFINITY);
        return m;
    }
}
