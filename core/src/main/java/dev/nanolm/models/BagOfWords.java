// makemore.py's BoW: token + position embeddings, one block that adds the causal mean of all earlier positions
// (a bag of words: attention with uniform weights) and a tanh MLP, both residual, then the lm_head.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Linear;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class BagOfWords extends SeqModel {
    private final Embedding wte, wpe;
    private final Linear cFc, cProj, lmHead;
    private final Tensor meanT; // (T,T): meanT[s][t] = 1/(t+1) for s <= t, the causal mean as a matmul
    private final int[] positions;

    public BagOfWords(SeqConfig cfg, Rng rng) {
        super(cfg);
        int V = cfg.vocabSize(), T = cfg.blockSize(), C = cfg.nEmbd();
        wte = add("wte", new Embedding(V, C, rng));
        wpe = add("wpe", new Embedding(T, C, rng));
        cFc = add("c_fc", new Linear(C, cfg.nHidden(), rng));
        cProj = add("c_proj", new Linear(cfg.nHidden(), C, rng));
        lmHead = add("lm_head", new Linear(C, V, rng));
        meanT = Tensor.zeros(T, T);
        for (int t = 0; t < T; t++) for (int s = 0; s <= t; s++) meanT.data[s * T + t] = 1f / (t + 1);
        positions = new int[T];
        for (int t = 0; t < T; t++) positions[t] = t;
    }

    @Override public Tensor logits(int[] idx, int B, int T) {
        Gpt.checkInput(idx, B, T, config.blockSize());
        int C = config.nEmbd();
        Tensor x = Ops.add(wte.forward(idx, B, T), wpe.forward(java.util.Arrays.copyOf(positions, T), T)); // (B,T,C)
        // causal mean over time: put time last, multiply by the (T,T) averaging matrix, put it back
        Tensor xt = Ops.reshape(Ops.transpose(x, 1, 2), B * C, T);                                      // (B*C,T)
        Tensor mean = Ops.matmul(xt, T == config.blockSize() ? meanT : crop(T));                          // (B*C,T)
        x = Ops.add(x, Ops.transpose(Ops.view(mean, B, C, T), 1, 2));                                    // (B,T,C)
        x = Ops.add(x, cProj.forward(Ops.tanh(cFc.forward(x))));                                         // (B,T,C)
        return lmHead.forward(x);                                                                        // (B,T,V)
    }

    /** The averaging matrix of a shorter sequence (its top-left T x T corner). */
    private Tensor crop(int T) {
        int N = config.blockSize();
        Tensor m = Tensor.zeros(T, T);
        for (int s = 0; s < T; s++) System.arraycopy(meanT.data, s * N, m.data, s * T, T);
        return m;
    }

    @Override public boolean replayable() { return true; } // its ops all keep their forward (Tape.compute)
}
