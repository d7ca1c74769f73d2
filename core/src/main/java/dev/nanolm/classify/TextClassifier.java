// What every text classifier model offers the trainer, evaluator and checkpoints: its config and logits for a
// padded batch of encoded texts. The kinds: rnn/gru/lstm (RnnClassifier) and bow (BowClassifier, fastText-style).
package dev.nanolm.classify;

import dev.nanolm.nn.Module;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public abstract class TextClassifier extends Module {
    public final ClassifierConfig cfg;

    protected TextClassifier(ClassifierConfig cfg) { this.cfg = cfg; }

    /**
     * Logits (B, classes) for ids (B*T, row-major, padded after each text's lengths[b] tokens). dropoutRng draws the
     * dropout masks in training mode (may be null in eval mode).
     */
    public abstract Tensor logits(int[] ids, int[] lengths, int B, int T, Rng dropoutRng);

    /** A new model of cfg's kind, its parameters drawn from rng. */
    public static TextClassifier create(ClassifierConfig cfg, Rng rng) {
        return cfg.cell().equals("bow") ? new BowClassifier(cfg, rng) : new RnnClassifier(cfg, rng);
    }
}
