// A character-level text corpus (Tiny Shakespeare, or any UTF-8 text): vocabulary of its code points sorted by
// value, first 90% train / last 10% val (nanoGPT's split), random windows of T tokens for batches.
package dev.nanolm.data;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import java.util.LinkedHashMap;
import java.util.Map;

public final class TextCorpus implements LmData {
    private final CharVocab vocab;
    private final int[] train, val;
    private final int T;
    private final String samplePrompt;

    public TextCorpus(String text, int blockSize, String source) {
        this.vocab = CharVocab.fromText(text, false);
        int[] ids = vocab.encode(text);
        int n = (int) (ids.length * 0.9);
        this.train = java.util.Arrays.copyOfRange(ids, 0, n);
        this.val = java.util.Arrays.copyOfRange(ids, n, ids.length);
        this.T = blockSize;
        if (val.length < blockSize + 1)
            throw new DataException(source + " has " + ids.length + " characters; with a 90/10 split the validation part ("
                    + val.length + ") must hold at least block-size + 1 = " + (blockSize + 1),
                    "use a longer text or a smaller --block-size");
        this.samplePrompt = vocab.decodeText(val, 0, Math.min(30, val.length));
    }

    private int[] tokens(Split s) {
        if (s == Split.TEST) throw new IllegalArgumentException("a text corpus has train and val splits only");
        return s == Split.TRAIN ? train : val;
    }

    public int[] trainTokens() { return train; }
    public int[] valTokens() { return val; }

    @Override public CharVocab vocab() { return vocab; }
    @Override public int T() { return T; }
    @Override public int targetsPerExample() { return T; }
    @Override public boolean has(Split split) { return split != Split.TEST; }

    /** nanoGPT's get_batch: B random offsets i, x = data[i:i+T], y = data[i+1:i+1+T]. */
    @Override public void batch(Split split, int B, Rng rng, int[] X, int[] Y) {
        int[] d = tokens(split);
        for (int b = 0; b < B; b++) {
            int i = rng.nextInt(d.length - T);
            System.arraycopy(d, i, X, b * T, T);
            System.arraycopy(d, i + 1, Y, b * T, T);
        }
    }

    /** Non-overlapping blocks of T: every token of the split (but a tail shorter than T) is predicted once. */
    @Override public int fullCount(Split split) { return (tokens(split).length - 1) / T; }

    @Override public void fullBatch(Split split, int from, int B, int[] X, int[] Y) {
        int[] d = tokens(split);
        for (int b = 0; b < B; b++) {
            int i = (from + b) * T;
            System.arraycopy(d, i, X, b * T, T);
            System.arraycopy(d, i + 1, Y, b * T, T);
        }
    }

    @Override public Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("train_tokens", train.length);
        m.put("val_tokens", val.length);
        return m;
    }

    @Override public String samplePrompt() { return samplePrompt; }
}
