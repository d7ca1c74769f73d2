// makemore part 1: count every (char, next char) pair in the training items, add-one smoothing,
// normalise rows; the "logits" are the log-probabilities of that table.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class BigramCounts extends WindowModel {
    private final Tensor logProbs; // (V, V): row = current char, column = next char

    public BigramCounts(ModelConfig cfg, Rng rng) {
        super(cfg);
        int V = cfg.vocabSize();
        logProbs = buffer("log_probs", Tensor.zeros(V, V));
        java.util.Arrays.fill(logProbs.data, (float) -Math.log(V)); // uniform before fitting
    }

    @Override public boolean countsOnly() { return true; }

    @Override public void fitCounts(int[] X, int[] Y, int n) {
        int V = config.vocabSize();
        double[] N = new double[V * V];
        java.util.Arrays.fill(N, 1.0); // add-one smoothing, as the lecture's (N+1)
        for (int i = 0; i < n; i++) N[X[i] * V + Y[i]] += 1;
        for (int r = 0; r < V; r++) {
            double sum = 0;
            for (int c = 0; c < V; c++) sum += N[r * V + c];
            for (int c = 0; c < V; c++) logProbs.data[r * V + c] = (float) Math.log(N[r * V + c] / sum);
        }
    }

    @Override public Tensor logits(int[] X, int B) {
        return Ops.embedding(logProbs, X, B); // (B, V)
    }
}
