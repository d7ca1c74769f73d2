// nanolm's recurrent text classifier (classify/RnnClassifier) composed from libtorch ops on leaves copied from it:
// embedding, fused rnn/gru/lstm (NDArrayEx), masked mean or max, optional last step, tanh, linear, dropout, tanh, linear.
// The reference of ClassifierVsTorchTest and the libtorch side of bench's ClassifyBench.
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.nn.recurrent.RNN;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.nanolm.classify.ClassifierConfig;
import dev.nanolm.classify.RnnClassifier;
import dev.nanolm.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradients are recorded inside a {@link Torch#gradients()} collector; wrap each step in {@link #scope()} so its
 * activations are freed. Unidirectional only: torch's fused reverse direction would also read the padding.
 */
public final class TorchClassifier {
    private final NDManager m;
    private final ClassifierConfig cfg;
    private final Map<String, NDArray> p = new LinkedHashMap<>();
    private final List<NDArray> leaves = new ArrayList<>();
    private boolean training;

    /** Copies net's parameters into leaves of m that record gradients. */
    public TorchClassifier(NDManager m, RnnClassifier net) {
        if (net.cfg.bidirectional()) throw new IllegalArgumentException("TorchClassifier models unidirectional classifiers only");
        this.m = m;
        this.cfg = net.cfg;
        for (Parameter q : net.parameters()) {
            NDArray a = Torch.nd(m, q.value(), true);
            p.put(q.name(), a);
            leaves.add(a);
        }
    }

    /** The leaves by nanolm's parameter names, for {@link TorchRef.AdamW}. */
    public Map<String, NDArray> params() { return Collections.unmodifiableMap(p); }

    /** The leaves in nanolm's parameter order: embedding, the recurrent stack (PyTorch's flat order), fc1, fc2. */
    public List<NDArray> leaves() { return Collections.unmodifiableList(leaves); }

    /** Training mode applies dropout (between recurrent layers and after fc1), as RnnClassifier does. */
    public void train(boolean on) { training = on; }

    /** A sub-manager owning every array made until it closes; the parameters return to m, with their gradients. */
    public NDManager scope() {
        NDManager s = m.newSubManager();
        for (NDArray a : leaves) a.tempAttach(s);
        return s;
    }

    /** Logits (B, classes) for ids (B*T, padded after each text's lengths[b] tokens). */
    public NDArray logits(int[] ids, int[] lengths, int B, int T) {
        int H = cfg.hidden(), L = cfg.layers(), n = leaves.size();
        int[] lens = lengths;
        if (cfg.meanIncludesPadding()) {
            lens = new int[B];
            java.util.Arrays.fill(lens, T);
        }
        // inputs are made in the parameters' current manager (the open scope, if any): an op's output belongs to its
        // first input's manager, so arrays made in m would keep the whole step's graph alive in m
        NDManager cur = leaves.get(0).getManager();
        NDArray x = TorchRef.embedding(leaves.get(0), Torch.indices(cur, ids, B, T)); // (B,T,E)
        NDList rp = new NDList();
        for (int i = 1; i < n - 4; i++) rp.add(leaves.get(i));
        NDArray h0 = cur.zeros(Torch.shapeOf(new int[] {L, B, H}));
        NDArrayEx ex = x.getNDArrayInternal();
        float drop = training ? cfg.dropout() : 0f;
        NDArray out = switch (cfg.cell()) { // (B,T,H)
            case "rnn" -> ex.rnn(x, h0, rp, true, L, RNN.Activation.TANH, drop, training, false, true).get(0);
            case "gru" -> ex.gru(x, h0, rp, true, L, drop, training, false, true).get(0);
            default -> ex.lstm(x, new NDList(h0, cur.zeros(h0.getShape())), rp, true, L, drop, training, false, true).get(0);
        };
        float[] meanMask = new float[B * T], lastMask = new float[B * T], maxPenalty = new float[B * T];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                meanMask[b * T + t] = t < lens[b] ? 1f / lens[b] : 0f;
                lastMask[b * T + t] = t == lens[b] - 1 ? 1f : 0f;
                maxPenalty[b * T + t] = t < lens[b] ? 0f : -1e9f;
            }
        NDArray agg = cfg.aggregation().equals("mean") // (B,H)
                ? out.mul(column(cur, meanMask, B, T)).sum(new int[] {1})
                : out.add(column(cur, maxPenalty, B, T)).max(new int[] {1});
        if (cfg.concatLast()) agg = agg.concat(out.mul(column(cur, lastMask, B, T)).sum(new int[] {1}), 1); // (B,2H)
        NDArray h = TorchRef.linear(agg.tanh(), leaves.get(n - 4), leaves.get(n - 3)); // (B,H)
        if (training && cfg.dropout() > 0) h = JniUtils.dropout((PtNDArray) h, cfg.dropout(), true);
        return TorchRef.linear(h.tanh(), leaves.get(n - 2), leaves.get(n - 1)); // (B,classes)
    }

    private static NDArray column(NDManager cur, float[] v, int B, int T) { return cur.create(v, Torch.shapeOf(new int[] {B, T, 1})); }

    /** Mean cross-entropy of logits against labels. */
    public static NDArray loss(NDArray logits, int[] labels) { return TorchRef.crossEntropy(logits, labels, -1); }

    /** Sets every gradient to zero (in place). */
    public void zeroGrad() {
        for (NDArray t : leaves) try (NDArray g = t.getGradient()) { g.subi(g); }
    }
}
