// Training data for a language model, whatever its source: random batches for training, and the whole
// split in fixed batches for evaluation. X is (B, T) token ids; Y is (B, T) for sequence data or (B) for windows.
package dev.nanolm.data;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.Tokenizer;

public interface LmData {
    enum Split { TRAIN, VAL, TEST }

    /** Turns the data's text into its token ids and back (the characters of a line dataset, with its boundary token). */
    Tokenizer tokenizer();

    /** Tokens per example read by the model (T). */
    int T();

    /** Targets per example: T for sequence data, 1 for window data. */
    int targetsPerExample();

    /** True when the split exists (text corpora have no test split). */
    boolean has(Split split);

    /** Fills X (B*T) and Y (B*targetsPerExample) with a random batch from split. */
    void batch(Split split, int B, Rng rng, int[] X, int[] Y);

    /** Number of examples for a full pass over split (windows, or non-overlapping blocks of text). */
    int fullCount(Split split);

    /** Fills X and Y with examples [from, from+B) of the full pass over split. */
    void fullBatch(Split split, int from, int B, int[] X, int[] Y);

    /**
     * Characters of text per target in a full pass over split, so a loss per token becomes bits per character:
     * 1 for character data (line items count their boundary token as a character, as before).
     */
    default double charsPerTarget(Split split) { return 1.0; }

    /** Counts of examples or tokens per split, for config.json. */
    java.util.Map<String, Integer> sizes();

    /** The items of a line dataset (to mark samples as in-train/new), or null for a text corpus. */
    default LineDataset lineDataset() { return null; }

    /** Text the model should continue in samples over training; null for line data (items are sampled from nothing). */
    default String samplePrompt() { return null; }
}
