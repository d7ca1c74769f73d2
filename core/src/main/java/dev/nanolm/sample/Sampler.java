// Generation: feed a prompt, then repeatedly sample the next token from softmax(logits / temperature),
// optionally restricted to the top-k tokens and to the nucleus of probability top-p. Uses the model's
// incremental Decoder (KV cache) when it has one, else re-runs the model on the last window.
package dev.nanolm.sample;

import dev.nanolm.autograd.Tape;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

public final class Sampler {

    public record Options(float temperature, int topK, float topP) {
        public Options {
            if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be positive, got " + temperature);
            if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
            if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }

        public static Options plain() { return new Options(1f, 0, 1f); }
    }

    private final LanguageModel model;
    private final int padToken;

    /** padToken fills the window of window models before the prompt (the boundary token of line data). */
    public Sampler(LanguageModel model, int padToken) {
        this.model = model;
        this.padToken = padToken;
    }

    /**
     * Generates up to maxNew tokens after prompt; stops early when stop accepts a sampled token (that token is
     * not emitted). Each emitted token goes to onToken as it comes (streaming). Returns the generated tokens.
     */
    public int[] generate(int[] prompt, int maxNew, Options o, Rng rng, IntPredicate stop, IntConsumer onToken) {
        boolean wasTraining = model.training();
        model.train(false);
        int[] seq = Arrays.copyOf(prompt, prompt.length + maxNew);
        int len = prompt.length, made = 0;
        try (var g = Tape.noGrad()) {
            LanguageModel.Decoder dec = model.predictsEveryPosition() ? model.decoder() : null;
            if (dec != null) dec.reset();
            float[] logits = null;
            if (dec != null) for (int i = 0; i < len; i++) logits = feed(dec, seq, i + 1);
            while (made < maxNew) {
                if (dec != null) {
                    if (logits == null) throw new IllegalArgumentException("a sequence model needs a prompt of at least one token");
                } else {
                    logits = windowLogits(seq, len);
                }
                int next = pick(logits, o, rng);
                if (stop != null && stop.test(next)) break;
                seq[len++] = next;
                made++;
                if (onToken != null) onToken.accept(next);
                if (dec != null && made < maxNew) logits = feed(dec, seq, len);
            }
        } finally {
            model.train(wasTraining);
        }
        return Arrays.copyOfRange(seq, prompt.length, prompt.length + made);
    }

    /**
     * Feeds token seq[len-1]. When the cache is full, it restarts on the last half block of tokens: re-feeding a
     * whole block after every new token (nanoGPT's crop, exact) would cost blockSize steps per token; this costs
     * two on average, and the model still sees at least half a block of context.
     */
    private float[] feed(LanguageModel.Decoder dec, int[] seq, int len) {
        if (dec.position() >= model.blockSize()) {
            dec.rewind();
            int from = len - Math.max(1, model.blockSize() / 2);
            float[] l = null;
            for (int i = from; i < len; i++) l = dec.next(seq[i]);
            return l;
        }
        return dec.next(seq[len - 1]);
    }

    /** Logits for the token after seq[0..len): the last window (padded on the left) through the full model. */
    private float[] windowLogits(int[] seq, int len) {
        int T = model.blockSize();
        if (model.predictsEveryPosition()) {
            int t = Math.min(len, T);
            if (t == 0) throw new IllegalArgumentException("a sequence model needs a prompt of at least one token");
            int[] window = Arrays.copyOfRange(seq, len - t, len);
            Tensor logits = model.logits(window, 1, t); // (1,t,V)
            int V = model.vocabSize();
            return Arrays.copyOfRange(logits.data, (t - 1) * V, t * V);
        }
        int[] window = new int[T];
        Arrays.fill(window, padToken);
        int t = Math.min(len, T);
        System.arraycopy(seq, len - t, window, T - t, t);
        return model.logits(window, 1, T).data; // (1,V)
    }

    /**
     * One new line item (a name): generated from nothing until the boundary token or maxLength tokens. Window
     * models start from a window of boundary tokens; sequence models are fed the boundary token first, as their
     * training items begin with it.
     */
    public int[] item(int maxLength, Options o, Rng rng) {
        int[] start = model.predictsEveryPosition() ? new int[] {padToken} : new int[0];
        return generate(start, maxLength, o, rng, t -> t == padToken, null);
    }

    /** Samples an index from softmax(logits / temperature) restricted to top-k and top-p. */
    public static int pick(float[] logits, Options o, Rng rng) {
        int V = logits.length;
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[V];
        float cutoff = Float.NEGATIVE_INFINITY;
        if (o.topK() > 0 && o.topK() < V) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cutoff = sorted[V - o.topK()];
        }
        double sum = 0;
        for (int i = 0; i < V; i++) {
            p[i] = logits[i] < cutoff ? 0 : Math.exp((logits[i] - max) / o.temperature());
            sum += p[i];
        }
        if (o.topP() < 1f) {
            Integer[] order = new Integer[V];
            for (int i = 0; i < V; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            double acc = 0, kept = 0;
            boolean done = false;
            for (int r = 0; r < V; r++) {
                int i = order[r];
                if (done) { p[i] = 0; continue; }
                acc += p[i] / sum;
                kept += p[i];
                if (acc >= o.topP()) done = true; // keep the smallest set whose mass reaches top-p
            }
            sum = kept;
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
