// Encoded texts and the padded batches built from them: ids padded with <pad> to the batch's longest text.
package dev.nanolm.classify;

import dev.nanolm.tokenize.WordVocab;
import java.util.Arrays;

public final class Batches {
    /** One padded batch: ids (B*T), lengths (B), labels (B). */
    public record Batch(int[] ids, int[] lengths, int[] labels, int B, int T) {}

    /** Encoded texts (each <bos> ... <eos>, at most max-len) and their labels. */
    public record Encoded(int[][] tokens, int[] labels) {
        public int size() { return tokens.length; }

        public static Encoded of(LabeledTexts d, WordVocab v, int maxLen) {
            int[][] t = new int[d.size()][];
            for (int i = 0; i < t.length; i++) t[i] = v.encode(d.texts()[i], maxLen);
            return new Encoded(t, d.labels().clone());
        }

        /** The batch of the rows at idx[from, to). */
        public Batch batch(int[] idx, int from, int to) {
            int B = to - from, T = 1;
            for (int i = from; i < to; i++) T = Math.max(T, tokens[idx[i]].length);
            int[] ids = new int[B * T], lengths = new int[B], y = new int[B];
            Arrays.fill(ids, WordVocab.PAD);
            for (int b = 0; b < B; b++) {
                int[] t = tokens[idx[from + b]];
                System.arraycopy(t, 0, ids, b * T, t.length);
                lengths[b] = t.length;
                y[b] = labels[idx[from + b]];
            }
            return new Batch(ids, lengths, y, B, T);
        }

        public double meanLength() {
            long n = 0;
            for (int[] t : tokens) n += t.length;
            return (double) n / Math.max(1, tokens.length);
        }
    }

    private Batches() {}
}
