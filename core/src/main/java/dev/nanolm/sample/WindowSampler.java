// Generates items (names, words) from a window model: start from boundary tokens, sample the next char
// from softmax(logits / temperature) (optionally top-k), stop at the boundary token or maxLength.
package dev.nanolm.sample;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.models.WindowModel;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.tokenize.CharVocab;

public final class WindowSampler {
    private final WindowModel model;
    private final CharVocab vocab;

    public WindowSampler(WindowModel model, CharVocab vocab) {
        this.model = model;
        this.vocab = vocab;
    }

    public String sampleOne(Rng rng, float temperature, int topK, int maxLength) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        boolean wasTraining = model.training();
        model.train(false);
        int T = model.config.blockSize();
        int[] ctx = new int[T]; // all boundary
        StringBuilder out = new StringBuilder();
        try (var g = Tape.noGrad()) {
            for (int n = 0; n < maxLength; n++) {
                Tensor logits = model.logits(ctx, 1); // (1, V)
                int next = pick(logits.data, temperature, topK, rng);
                if (next == CharVocab.BOUNDARY) break;
                out.append(vocab.decode(next));
                System.arraycopy(ctx, 1, ctx, 0, T - 1);
                ctx[T - 1] = next;
            }
        } finally {
            model.train(wasTraining);
        }
        return out.toString();
    }

    /** Samples an index from softmax(logits / temperature), keeping only the topK largest when topK > 0. */
    static int pick(float[] logits, float temperature, int topK, Rng rng) {
        int V = logits.length;
        float[] p = new float[V];
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        float cutoff = Float.NEGATIVE_INFINITY;
        if (topK > 0 && topK < V) {
            float[] sorted = logits.clone();
            java.util.Arrays.sort(sorted);
            cutoff = sorted[V - topK];
        }
        double sum = 0;
        for (int i = 0; i < V; i++) {
            p[i] = logits[i] < cutoff ? 0f : (float) Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        double u = rng.nextDouble() * sum, acc = 0;
        for (int i = 0; i < V; i++) {
            acc += p[i];
            if (u < acc) return i;
        }
        for (int i = V - 1; i >= 0; i--) if (p[i] > 0) return i;
        return 0;
    }
}
