// LmData over a makemore line dataset for sequence models (makemore.py's CharDataset): each item is one
// example, x = <boundary> c1 .. cn, y = c1 .. cn <boundary>, padded to T with targets IGNORE.
package dev.nanolm.data;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class LineSeqData implements LmData {
    /** Target of padding positions: the loss skips them (cross-entropy's ignore index). */
    public static final int IGNORE = -1;

    public final LineDataset dataset;
    private final int T;
    private final int[][] train, val, test; // per split: x rows then y rows, each n*T

    /** T = 0 picks the longest item + 1 (room for the closing boundary), as makemore does. */
    public LineSeqData(LineDataset dataset, int blockSize) {
        this.dataset = dataset;
        this.T = blockSize == 0 ? dataset.maxLength + 1 : blockSize;
        if (T <= dataset.maxLength)
            throw new DataException("the longest item has " + dataset.maxLength + " characters; --block-size " + T
                    + " fits items of up to " + (T - 1), "use --block-size 0 (longest item + 1) or at least " + (dataset.maxLength + 1));
        train = encode(dataset.train);
        val = encode(dataset.dev);
        test = encode(dataset.test);
    }

    private int[][] encode(List<String> items) {
        int n = items.size();
        int[] X = new int[n * T], Y = new int[n * T];
        Arrays.fill(X, CharVocab.BOUNDARY);
        Arrays.fill(Y, IGNORE);
        for (int i = 0; i < n; i++) {
            int[] ids = dataset.vocab.encode(items.get(i));
            System.arraycopy(ids, 0, X, i * T + 1, ids.length);
            System.arraycopy(ids, 0, Y, i * T, ids.length);
            Y[i * T + ids.length] = CharVocab.BOUNDARY;
        }
        return new int[][] {X, Y};
    }

    private int[][] w(Split s) { return s == Split.TRAIN ? train : s == Split.VAL ? val : test; }

    @Override public CharVocab tokenizer() { return dataset.vocab; }
    @Override public int T() { return T; }
    @Override public int targetsPerExample() { return T; }
    @Override public boolean has(Split split) { return true; }
    @Override public LineDataset lineDataset() { return dataset; }

    /** Random items with replacement (makemore's InfiniteDataLoader samples with replacement too). */
    @Override public void batch(Split split, int B, Rng rng, int[] X, int[] Y) {
        int[][] w = w(split);
        int n = w[0].length / T;
        for (int i = 0; i < B; i++) {
            int r = rng.nextInt(n);
            System.arraycopy(w[0], r * T, X, i * T, T);
            System.arraycopy(w[1], r * T, Y, i * T, T);
        }
    }

    @Override public int fullCount(Split split) { return w(split)[0].length / T; }

    @Override public void fullBatch(Split split, int from, int B, int[] X, int[] Y) {
        int[][] w = w(split);
        System.arraycopy(w[0], from * T, X, 0, B * T);
        System.arraycopy(w[1], from * T, Y, 0, B * T);
    }

    @Override public Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("train_items", dataset.train.size());
        m.put("dev_items", dataset.dev.size());
        m.put("test_items", dataset.test.size());
        m.put("block_size", T);
        return m;
    }
}
