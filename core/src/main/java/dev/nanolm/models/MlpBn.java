// makemore part 3: the MLP with its hidden pre-activations batch-normalised (Linear -> BatchNorm1d -> tanh),
// Kaiming-scaled init and small output logits at init, so training starts near ln(vocab).
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.BatchNorm1d;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Init;
import dev.nanolm.nn.Linear;
import dev.nanolm.nn.Sequential;
import dev.nanolm.nn.Tanh;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class MlpBn extends WindowModel {
    private final Embedding C;
    private final Sequential layers;

    public MlpBn(ModelConfig cfg, Rng rng) {
        super(cfg);
        int V = cfg.vocabSize(), T = cfg.blockSize(), E = cfg.nEmbd(), H = cfg.nHidden();
        C = add("C", new Embedding(V, E, rng));
        // the hidden Linear has no bias: BatchNorm's mean subtraction would cancel it (its bnbias replaces it)
        Linear hidden = new Linear(T * E, H, false, rng), out = new Linear(H, V, true, rng);
        layers = add("layers", new Sequential(hidden, new BatchNorm1d(H, 1e-5f, cfg.bnMomentum(), cfg.bnUnbiased()), new Tanh(), out));
        if (!cfg.init().equals("pytorch")) {
            Init.kaimingNormal(hidden.weight(), T * E, 5f / 3f, rng); // tanh gain 5/3 (makemore part 3)
            Init.normal(out.weight(), 0f, 0.01f, rng);                  // near-uniform logits at step 0
            Init.zeros(out.bias());
        }
    }

    @Override public Tensor logits(int[] X, int B) {
        int T = config.blockSize(), E = config.nEmbd();
        Tensor emb = C.forward(X, B, T);                          // (B,T,E)
        return layers.forward(Ops.view(emb, B, T * E));           // (B,V)
    }

    @Override public boolean replayable() { return true; } // its ops all keep their forward (Tape.compute)
}
