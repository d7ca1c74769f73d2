// A model that predicts the next token: window models (bigram, MLP) predict one token after a fixed window;
// sequence models (GPT) predict the next token at every position. Both are Modules with path-named parameters.
package dev.nanolm.models;

import dev.nanolm.nn.Module;
import dev.nanolm.tensor.Tensor;

public abstract class LanguageModel extends Module {

    /** The model type name, as in the ModelType registry ("mlp", "gpt", ...). */
    public abstract String type();

    /** The model's config record (saved as JSON in checkpoints). */
    public abstract Record config();

    public abstract int vocabSize();

    /** Context length: the window (window models) or the longest sequence (sequence models). */
    public abstract int blockSize();

    /** True when logits has a prediction for every position (B,T,V); false for one per window (B,V). */
    public abstract boolean predictsEveryPosition();

    /**
     * idx is (B,T) token ids, row-major. Window models need T == blockSize() and return (B,V);
     * sequence models take any T <= blockSize() and return (B,T,V).
     */
    public abstract Tensor logits(int[] idx, int B, int T);

    /** True when the model is fitted by counting rather than by gradient descent (the bigram table). */
    public boolean countsOnly() { return false; }

    /**
     * True when a training step builds the same graph every time (for fixed B, T): ops that depend on the batch only
     * through the index arrays passed to logits and on randomness only through the model's Rng objects. The trainer
     * then records one step and replays it (autograd.Replay) instead of running this model's code again.
     */
    public boolean replayable() { return false; }

    /** For counting models: fit from all training windows X (n, T) and targets Y (n). */
    public void fitCounts(int[] X, int[] Y, int n) { throw new UnsupportedOperationException(type() + " is trained by gradient descent"); }

    /**
     * Incremental decoding for sampling (a KV cache for attention models). Window models return null and are
     * sampled by re-running logits on the last window.
     */
    public Decoder decoder() { return null; }

    /** Feeds one token at a time and returns the logits (V) for the next one; no autograd. */
    public interface Decoder {
        /** Forget everything fed so far (and read the model's weights again). */
        void reset();

        /** Forget the positions fed so far; the weights may stay as read at the last reset (same generation). */
        default void rewind() { reset(); }

        /** Feeds token at the next position (0, 1, ...) and returns the next-token logits; position must be < blockSize. */
        float[] next(int token);

        /** Tokens fed since the last reset. */
        int position();
    }
}
