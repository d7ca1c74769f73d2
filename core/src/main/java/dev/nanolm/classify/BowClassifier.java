// fastText-style bag of n-grams (Joulin et al. 2016, "Bag of Tricks for Efficient Text Classification"): the mean of
// the embeddings of a text's words and of its hashed word bigrams -> (dropout) -> Linear(n-embd, classes).
package dev.nanolm.classify;

import dev.nanolm.tokenize.WordVocab;
import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Linear;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class BowClassifier extends TextClassifier {
    /** Rows 0..V-1: words; rows V..V+buckets-1: bigram buckets (fastText's hashing trick, collisions shared). */
    public final Embedding embedding;
    public final Linear fc;

    public BowClassifier(ClassifierConfig cfg, Rng rng) {
        super(cfg);
        embedding = add("embedding", new Embedding(cfg.vocabSize() + cfg.buckets(), cfg.nEmbd(), rng));
        fc = add("fc", new Linear(cfg.nEmbd(), cfg.numClasses(), rng));
    }

    @Override
    public Tensor logits(int[] ids, int[] lengths, int B, int T, Rng dropoutRng) {
        // each text's features: its T words, then (with buckets) its T-1 bigrams; padded to F per row
        boolean bigrams = cfg.buckets() > 0;
        int F = bigrams ? 2 * T - 1 : T, V = cfg.vocabSize();
        int[] feats = new int[B * F], counts = new int[B];
        java.util.Arrays.fill(feats, WordVocab.PAD);
        for (int b = 0; b < B; b++) {
            int len = lengths[b], k = b * F;
            for (int t = 0; t < len; t++) feats[k++] = ids[b * T + t];
            if (bigrams) for (int t = 1; t < len; t++) feats[k++] = V + bucket(ids[b * T + t - 1], ids[b * T + t], cfg.buckets());
            counts[b] = k - b * F;
        }
        Tensor x = embedding.forward(feats, B, F);        // (B,F,C)
        Tensor h = Ops.maskedMean(x, counts, false);       // (B,C): padding never counts
        if (training() && cfg.dropout() > 0) h = Ops.dropout(h, cfg.dropout(), true, dropoutRng);
        return fc.forward(h);                              // (B,classes)
    }

    /** The bucket of the bigram (a, b): a 64-bit mix of the two ids, so similar id pairs land far apart. */
    static int bucket(int a, int b, int buckets) {
        long h = (a * 0x9E3779B97F4A7C15L) ^ (b + 0x632BE59BD9B4E019L);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (int) Math.floorMod(h, (long) buckets);
    }
}
