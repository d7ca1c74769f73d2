// LmData over a makemore line dataset: examples are the context windows of every item, one target each.
package dev.nanolm.data;

import dev.nanolm.data.LineDataset.Windows;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import java.util.LinkedHashMap;
import java.util.Map;

public final class LineData implements LmData {
    public final LineDataset dataset;
    private final Windows train, val, test;
    private final int T;

    public LineData(LineDataset dataset, int blockSize) {
        this.dataset = dataset;
        this.T = blockSize;
        this.train = dataset.windows(dataset.train, blockSize);
        this.val = dataset.windows(dataset.dev, blockSize);
        this.test = dataset.windows(dataset.test, blockSize);
    }

    private Windows w(Split s) { return s == Split.TRAIN ? train : s == Split.VAL ? val : test; }

    @Override public CharVocab tokenizer() { return dataset.vocab; }
    @Override public int T() { return T; }
    @Override public int targetsPerExample() { return 1; }
    @Override public boolean has(Split split) { return true; }
    @Override public LineDataset lineDataset() { return dataset; }

    /** Random windows with replacement, as the lecture's torch.randint. */
    @Override public void batch(Split split, int B, Rng rng, int[] X, int[] Y) {
        Windows w = w(split);
        for (int i = 0; i < B; i++) {
            int r = rng.nextInt(w.n());
            System.arraycopy(w.X(), r * T, X, i * T, T);
            Y[i] = w.Y()[r];
        }
    }

    @Override public int fullCount(Split split) { return w(split).n(); }

    @Override public void fullBatch(Split split, int from, int B, int[] X, int[] Y) {
        Windows w = w(split);
        System.arraycopy(w.X(), from * T, X, 0, B * T);
        System.arraycopy(w.Y(), from, Y, 0, B);
    }

    /** The whole training split in order (full-batch gradient descent, bigram counting). */
    public Windows trainWindows() { return train; }

    @Override public Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("train_items", dataset.train.size());
        m.put("dev_items", dataset.dev.size());
        m.put("test_items", dataset.test.size());
        m.put("train_examples", train.n());
        return m;
    }
}
