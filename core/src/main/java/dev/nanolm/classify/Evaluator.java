// Runs a classifier over encoded texts without gradients: per-row predicted class, loss and probabilities.
// Rows are batched by length (less padding); with masking the result does not depend on the batching.
package dev.nanolm.classify;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;
import java.util.Comparator;

public final class Evaluator {
    /** Per row: predicted class, cross-entropy loss, and (when asked) the class probabilities. */
    public record Result(int[] predicted, double[] loss, float[][] probs) {
        public double accuracy(int[] labels, int[] rows) {
            int ok = 0;
            for (int r : rows) if (predicted[r] == labels[r]) ok++;
            return (double) ok / rows.length;
        }

        public double meanLoss(int[] rows) {
            double s = 0;
            for (int r : rows) s += loss[r];
            return s / rows.length;
        }
    }

    /**
     * Evaluates every row of data. batch: rows per forward; sorting by length is skipped for the mean-includes-padding
     * recipe, whose outputs depend on the batch's padding (there, batches are consecutive rows, as that recipe does).
     */
    public static Result run(TextClassifier model, Batches.Encoded data, int batch, boolean withProbs) {
        int n = data.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (!model.cfg.meanIncludesPadding()) Arrays.sort(order, Comparator.comparingInt(i -> data.tokens()[i].length));
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = order[i];
        int[] pred = new int[n];
        double[] loss = new double[n];
        float[][] probs = withProbs ? new float[n][] : null;
        boolean was = model.training();
        model.eval();
        try (var g = Tape.noGrad()) {
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                Batches.Batch b = data.batch(idx, from, to);
                Tensor logp = Ops.logSoftmax(model.logits(b.ids(), b.lengths(), b.B(), b.T(), null));
                int C = logp.dim(1);
                for (int r = 0; r < b.B(); r++) {
                    int row = idx[from + r], best = 0;
                    for (int c = 1; c < C; c++) if (logp.data[r * C + c] > logp.data[r * C + best]) best = c;
                    pred[row] = best;
                    loss[row] = -logp.data[r * C + b.labels()[r]];
                    if (withProbs) {
                        probs[row] = new float[C];
                        for (int c = 0; c < C; c++) probs[row][c] = (float) Math.exp(logp.data[r * C + c]);
                    }
                }
            }
        } finally {
            model.train(was);
        }
        return new Result(pred, loss, probs);
    }

    private Evaluator() {}
}
