// The transformer's position-wise feed-forward net (nanoGPT's MLP): c_fc to 4x the width, GELU (tanh
// approximation), c_proj back, then dropout.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public class TransformerMlp extends Layer {
    private final Linear cFc, cProj;
    private final Dropout dropout;

    public TransformerMlp(int nEmbd, float dropout, boolean bias, Rng rng) {
        cFc = add("c_fc", new Linear(nEmbd, 4 * nEmbd, bias, rng));
        cProj = add("c_proj", new Linear(4 * nEmbd, nEmbd, bias, rng));
        this.dropout = add("dropout", new Dropout(dropout, rng));
    }

    /** x (B,T,C) -> (B,T,C). */
    @Override
    public Tensor forward(Tensor x) {
        Tensor h = Ops.gelu(cFc.forward(x));           // (B,T,4C)
        return dropout.forward(cProj.forward(h));      // (B,T,C)
    }

    public Linear cFc() { return cFc; }

    public Linear cProj() { return cProj; }
}
