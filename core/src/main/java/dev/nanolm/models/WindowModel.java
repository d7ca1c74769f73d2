// A language model that predicts the next token from a fixed window of blockSize previous tokens
// (makemore's bigram and MLP). Subclasses are Modules, so parameters have path names.
package dev.nanolm.models;

import dev.nanolm.nn.Module;
import dev.nanolm.tensor.Tensor;

public abstract class WindowModel extends Module {
    public final ModelConfig config;

    protected WindowModel(ModelConfig config) { this.config = config; }

    /** X is (B, blockSize) token ids, row-major -> logits (B, V). */
    public abstract Tensor logits(int[] X, int B);

    /** True when the model is fitted by counting rather than by gradient descent. */
    public boolean countsOnly() { return false; }

    /** For counting models: fit from all training windows. */
    public void fitCounts(int[] X, int[] Y, int n) { throw new UnsupportedOperationException(config.type() + " is trained by gradient descent"); }
}
