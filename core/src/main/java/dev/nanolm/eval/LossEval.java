// Mean cross-entropy of a window model over a whole split (or a sample of batches), without recording grads.
package dev.nanolm.eval;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.data.LineDataset.Windows;
import dev.nanolm.models.WindowModel;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class LossEval {
    private static final int CHUNK = 8192;

    /** Mean loss over every example of w, in chunks; the model is put in eval mode and restored. */
    public static double fullSplit(WindowModel model, Windows w) {
        boolean wasTraining = model.training();
        model.train(false);
        double total = 0;
        try (var g = Tape.noGrad()) {
            int T = w.blockSize();
            for (int start = 0; start < w.n(); start += CHUNK) {
                int B = Math.min(CHUNK, w.n() - start);
                int[] X = java.util.Arrays.copyOfRange(w.X(), start * T, (start + B) * T);
                int[] Y = java.util.Arrays.copyOfRange(w.Y(), start, start + B);
                Tensor loss = Ops.crossEntropy(model.logits(X, B), Y);
                total += (double) loss.item() * B;
            }
        } finally {
            model.train(wasTraining);
        }
        return total / w.n();
    }

    /** Mean loss over `batches` random batches of size B (nanoGPT's estimate_loss), using rng. */
    public static double sampled(WindowModel model, Windows w, int batches, int B, Rng rng) {
        boolean wasTraining = model.training();
        model.train(false);
        double total = 0;
        int T = w.blockSize();
        int[] X = new int[B * T], Y = new int[B];
        try (var g = Tape.noGrad()) {
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < B; i++) {
                    int r = rng.nextInt(w.n());
                    System.arraycopy(w.X(), r * T, X, i * T, T);
                    Y[i] = w.Y()[r];
                }
                total += Ops.crossEntropy(model.logits(X, B), Y).item();
            }
        } finally {
            model.train(wasTraining);
        }
        return total / batches;
    }

    private LossEval() {}
}
