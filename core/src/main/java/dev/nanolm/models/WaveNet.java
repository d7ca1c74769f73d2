// makemore part 5 (after WaveNet, van den Oord et al. 2016): the window is fused pairwise in a tree: each level
// flattens two consecutive positions, then Linear -> BatchNorm1d -> tanh, until one position is left.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.config.ConfigException;
import dev.nanolm.nn.BatchNorm1d;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.FlattenConsecutive;
import dev.nanolm.nn.Init;
import dev.nanolm.nn.Layer;
import dev.nanolm.nn.Linear;
import dev.nanolm.nn.Sequential;
import dev.nanolm.nn.Tanh;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class WaveNet extends WindowModel {
    private final Embedding C;
    private final Sequential layers;

    public WaveNet(ModelConfig cfg, Rng rng) {
        super(cfg);
        int V = cfg.vocabSize(), T = cfg.blockSize(), E = cfg.nEmbd(), H = cfg.nHidden();
        if (T < 2 || Integer.bitCount(T) != 1)
            throw new ConfigException("wavenet fuses the window in pairs: --block-size must be a power of two >= 2, got " + T,
                    "use --block-size 8 (the lecture's)");
        C = add("C", new Embedding(V, E, rng));
        layers = add("layers", new Sequential());
        int width = E;
        for (int level = T; level > 1; level /= 2) {
            Linear fuse = new Linear(2 * width, H, false, rng); // no bias before BatchNorm
            for (Layer l : new Layer[] {new FlattenConsecutive(2), fuse, new BatchNorm1d(H, 1e-5f, cfg.bnMomentum(), cfg.bnUnbiased()), new Tanh()}) layers.append(l);
            if (!cfg.init().equals("pytorch")) Init.kaimingNormal(fuse.weight(), 2 * width, 1f, rng); // the lecture's randn/sqrt(fan_in)
            width = H;
        }
        Linear out = new Linear(H, V, true, rng);
        layers.append(out);
        if (!cfg.init().equals("pytorch")) {
            Init.kaimingNormal(out.weight(), H, 0.1f, rng); // the lecture scales the last layer by 0.1: less confident at init
            Init.zeros(out.bias());
        }
    }

    @Override public Tensor logits(int[] X, int B) {
        Tensor x = C.forward(X, B, config.blockSize()); // (B,T,E)
        return Ops.view(layers.forward(x), B, config.vocabSize()); // (B,1,V) after the last fusion -> (B,V)
    }

    @Override public boolean replayable() { return true; } // its ops all keep their forward (Tape.compute)
}
