// makemore part 2 (Bengio et al. 2003): embed each of blockSize chars into nEmbd dims, concatenate,
// one tanh hidden layer, then logits over the vocabulary.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Init;
import dev.nanolm.nn.Linear;
import dev.nanolm.nn.Tanh;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class Mlp extends WindowModel {
    private final Embedding C;
    private final Linear hidden, out;
    private final Tanh tanh; // a layer (no parameters) so --diagnostics can observe its output

    public Mlp(ModelConfig cfg, Rng rng) {
        super(cfg);
        int V = cfg.vocabSize(), T = cfg.blockSize(), E = cfg.nEmbd(), H = cfg.nHidden();
        C = add("C", new Embedding(V, E, rng));
        hidden = add("hidden", new Linear(T * E, H, true, rng));
        out = add("out", new Linear(H, V, true, rng));
        tanh = add("tanh", new Tanh());
        switch (cfg.init()) {
            case "randn" -> { // makemore part 2: every parameter ~ N(0, 1)
                Init.normal(hidden.weight(), 0f, 1f, rng); Init.normal(hidden.bias(), 0f, 1f, rng);
                Init.normal(out.weight(), 0f, 1f, rng); Init.normal(out.bias(), 0f, 1f, rng);
            }
            case "kaiming" -> { // makemore part 3's fix: tanh layer at Kaiming scale, small logits at init
                Init.kaimingNormal(hidden.weight(), T * E, 5f / 3f, rng);
                Init.normal(hidden.bias(), 0f, 0.01f, rng);
                Init.normal(out.weight(), 0f, 0.01f, rng);
                Init.zeros(out.bias());
            }
            default -> { } // pytorch: the Linear and Embedding defaults
        }
    }

    @Override public Tensor logits(int[] X, int B) {
        int T = config.blockSize(), E = config.nEmbd();
        Tensor emb = C.forward(X, B, T);               // (B, T, E)
        Tensor h = tanh.forward(hidden.forward(Ops.view(emb, B, T * E))); // (B, H)
        return out.forward(h);                          // (B, V)
    }

    @Override public boolean replayable() { return true; } // its ops all keep their forward (Tape.compute)
}
