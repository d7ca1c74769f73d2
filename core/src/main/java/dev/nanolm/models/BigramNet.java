// makemore part 1, second half: the bigram as a single 27x27 weight matrix W; logits = onehot(x) @ W,
// which is a row lookup of W. Trained by gradient descent with an L2 penalty on W (see --l2).
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Init;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class BigramNet extends WindowModel {
    private final Tensor W; // (V, V)

    public BigramNet(ModelConfig cfg, Rng rng) {
        super(cfg);
        int V = cfg.vocabSize();
        W = param("W", Tensor.zeros(V, V));
        if (cfg.init().equals("pytorch")) Init.uniform(W, -1f / (float) Math.sqrt(V), 1f / (float) Math.sqrt(V), rng);
        else Init.normal(W, 0f, 1f, rng); // the lecture's torch.randn((27, 27))
    }

    @Override public Tensor logits(int[] X, int B) {
        return Ops.embedding(W, X, B); // (B, V)
    }
}
