// Mean cross-entropy of a language model over a whole split (fixed batches) or over random batches
// (nanoGPT's estimate_loss), without recording gradients.
package dev.nanolm.eval;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.data.LmData;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.tensor.Rng;

public final class LossEval {

    /**
     * Mean loss over every target of split (padding targets, -1, excluded), in batches of B; the model is put in
     * eval mode and restored.
     */
    public static double fullSplit(LanguageModel model, LmData data, LmData.Split split, int B) {
        int n = data.fullCount(split), T = data.T(), Ty = data.targetsPerExample();
        B = Math.max(1, Math.min(B, n)); // a batch larger than the split would only allocate (and could overflow)
        int[] X = new int[B * T], Y = new int[B * Ty];
        double total = 0;
        long targets = 0;
        boolean wasTraining = model.training();
        model.train(false);
        try (var g = Tape.noGrad()) {
            for (int from = 0; from < n; from += B) {
                int b = Math.min(B, n - from);
                int[] x = b == B ? X : new int[b * T], y = b == B ? Y : new int[b * Ty];
                data.fullBatch(split, from, b, x, y);
                int counted = 0;
                for (int i = 0; i < b * Ty; i++) if (y[i] != -1) counted++;
                // the loss is a mean over counted targets: weight it back to a sum
                total += (double) Ops.crossEntropy(model.logits(x, b, T), y).item() * counted;
                targets += counted;
            }
        } finally {
            model.train(wasTraining);
        }
        return targets == 0 ? Double.NaN : total / targets;
    }

    /** Mean loss over `batches` random batches of size B drawn with rng. */
    public static double sampled(LanguageModel model, LmData data, LmData.Split split, int batches, int B, Rng rng) {
        int T = data.T();
        int[] X = new int[B * T], Y = new int[B * data.targetsPerExample()];
        double total = 0;
        boolean wasTraining = model.training();
        model.train(false);
        try (var g = Tape.noGrad()) {
            for (int i = 0; i < batches; i++) {
                data.batch(split, B, rng, X, Y);
                total += Ops.crossEntropy(model.logits(X, B, T), Y).item();
            }
        } finally {
            model.train(wasTraining);
        }
        return total / batches;
    }

    /**
     * Bits per character from a mean loss in nats per token and the split's characters per token: the split's
     * total loss over its characters, so character- and token-level models compare fairly.
     */
    public static double bitsPerChar(double natsPerToken, double charsPerToken) {
        return natsPerToken / charsPerToken / Math.log(2);
    }

    private LossEval() {}
}
