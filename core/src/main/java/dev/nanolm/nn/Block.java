// A pre-LayerNorm transformer block (nanoGPT's Block): x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)).
// Attention lets positions communicate; the MLP computes on each position alone.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public class Block extends Layer {
    private final LayerNorm ln1, ln2;
    private final CausalSelfAttention attn;
    private final TransformerMlp mlp;

    public Block(int nEmbd, int nHead, float dropout, boolean bias, Rng rng) {
        ln1 = add("ln_1", new LayerNorm(nEmbd, bias));
        attn = add("attn", new CausalSelfAttention(nEmbd, nHead, dropout, bias, rng));
        ln2 = add("ln_2", new LayerNorm(nEmbd, bias));
        mlp = add("mlp", new TransformerMlp(nEmbd, dropout, bias, rng));
    }

    /** x (B,T,C) -> (B,T,C). */
    @Override
    public Tensor forward(Tensor x) {
        x = Ops.add(x, attn.forward(ln1.forward(x)));  // (B,T,C)
        return Ops.add(x, mlp.forward(ln2.forward(x))); // (B,T,C)
    }

    public LayerNorm ln1() { return ln1; }

    public CausalSelfAttention attn() { return attn; }

    public LayerNorm ln2() { return ln2; }

    public TransformerMlp mlp() { return mlp; }
}
