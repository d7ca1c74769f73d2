// A language model that predicts the next token from a fixed window of blockSize previous tokens
// (makemore's bigram and MLP).
package dev.nanolm.models;

import dev.nanolm.tensor.Tensor;

public abstract class WindowModel extends LanguageModel {
    public final ModelConfig config;

    protected WindowModel(ModelConfig config) { this.config = config; }

    @Override public String type() { return config.type(); }
    @Override public ModelConfig config() { return config; }
    @Override public int vocabSize() { return config.vocabSize(); }
    @Override public int blockSize() { return config.blockSize(); }
    @Override public boolean predictsEveryPosition() { return false; }

    /** X is (B, blockSize) token ids, row-major -> logits (B, V). */
    public abstract Tensor logits(int[] X, int B);

    @Override public Tensor logits(int[] idx, int B, int T) {
        if (T != config.blockSize())
            throw new IllegalArgumentException(type() + " reads windows of " + config.blockSize() + " tokens, got " + T);
        return logits(idx, B);
    }
}
