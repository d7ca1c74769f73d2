// Recurrent text classifier: embedding -> Rnn/Gru/Lstm stack -> masked mean or max over each text's real steps
// (optionally concatenated with the output at its last real step) -> tanh -> Linear(h,h) -> dropout -> tanh -> Linear(h,classes).
package dev.nanolm.classify;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Embedding;
import dev.nanolm.nn.Gru;
import dev.nanolm.nn.Linear;
import dev.nanolm.nn.Lstm;
import dev.nanolm.nn.Recurrent;
import dev.nanolm.nn.Rnn;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class RnnClassifier extends TextClassifier {
    public final Embedding embedding;
    public final Recurrent rnn;
    public final Linear fc1, fc2;

    /** Parameters drawn from rng in PyTorch's registration order: embedding, recurrent stack, fc1, fc2. */
    public RnnClassifier(ClassifierConfig cfg, Rng rng) {
        super(cfg);
        embedding = add("embedding", new Embedding(cfg.vocabSize(), cfg.nEmbd(), rng));
        int E = cfg.nEmbd(), H = cfg.hidden(), L = cfg.layers();
        rnn = add("rnn", switch (cfg.cell()) {
            case "rnn" -> new Rnn(E, H, L, true, cfg.dropout(), cfg.bidirectional(), rng);
            case "gru" -> new Gru(E, H, L, true, cfg.dropout(), cfg.bidirectional(), rng);
            default -> new Lstm(E, H, L, true, cfg.dropout(), cfg.bidirectional(), rng);
        });
        fc1 = add("fc1", new Linear(cfg.featureWidth(), H, rng));
        fc2 = add("fc2", new Linear(H, cfg.numClasses(), rng));
    }

    /**
     * See TextClassifier.logits. Padding never reaches a text's logits, unless mean-includes-padding asks for the
     * common recipe (plain mean over T, last step = step T-1, RNN run over padding).
     */
    @Override
    public Tensor logits(int[] ids, int[] lengths, int B, int T, Rng dropoutRng) {
        Tensor x = embedding.forward(ids, B, T);
        boolean recipe = cfg.meanIncludesPadding();
        // a forward direction's outputs at real steps never see later padding; only the reverse direction needs lengths
        int[] rnnLengths = recipe || !cfg.bidirectional() ? null : lengths;
        Tensor out = rnn.forward(x, null, null, dropoutRng, rnnLengths).output();
        int[] lens = lengths;
        if (recipe) {
            lens = new int[B];
            java.util.Arrays.fill(lens, T);
        }
        Tensor agg = cfg.aggregation().equals("max") ? Ops.maskedMax(out, lens) : Ops.maskedMean(out, lens, false);
        if (cfg.concatLast()) agg = Ops.concat(1, agg, Ops.lastStep(out, lens));
        Tensor h = fc1.forward(Ops.tanh(agg));
        if (training() && cfg.dropout() > 0) h = Ops.dropout(h, cfg.dropout(), true, dropoutRng);
        return fc2.forward(Ops.tanh(h));
    }
}
