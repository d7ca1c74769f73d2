// nanolm's recurrent text classifier against the same network composed from libtorch ops via DJL (embedding,
// fused rnn/gru/lstm through NDArrayEx, masked mean or max over each text's real steps, the output at its last
// real step, tanh, linear): same weights, a padded batch of texts of different lengths; logits, loss and every gradient.
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.nn.recurrent.RNN;
import ai.djl.training.GradientCollector;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.classify.ClassifierConfig;
import dev.nanolm.classify.RnnClassifier;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClassifierVsTorchTest {
    static final double ATOL = 2e-5, RTOL = 2e-4;
    static final int V = 23, E = 8, H = 12, C = 4, B = 5;
    static final int[] LENGTHS = {7, 3, 9, 1, 5};

    static Stream<ClassifierConfig> configs() {
        return Stream.of(
                new ClassifierConfig("rnn", V, E, H, 1, false, 0f, "mean", false, false, C),
                new ClassifierConfig("gru", V, E, H, 2, false, 0f, "mean", true, false, C),
                new ClassifierConfig("lstm", V, E, H, 2, false, 0f, "max", true, false, C));
    }

    private NDManager m;

    @BeforeEach void open() { m = Torch.manager(); Tape.reset(); }

    @AfterEach void close() { Tape.reset(); m.close(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void logitsLossAndGradientsMatchLibtorch(ClassifierConfig cfg) {
        Rng rng = new Rng(77);
        RnnClassifier net = new RnnClassifier(cfg, rng);
        net.eval(); // no dropout: both sides deterministic
        int T = 9;
        int[] ids = new int[B * T], labels = new int[B];
        java.util.Arrays.fill(ids, 3); // <pad>
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < LENGTHS[b]; t++) ids[b * T + t] = 4 + rng.nextInt(V - 4);
            labels[b] = rng.nextInt(C);
        }
        Tensor logits = net.logits(ids, LENGTHS, B, T, null);
        Tensor loss = Ops.crossEntropy(logits, labels);
        Tape.backward(loss);

        List<Parameter> ps = net.parameters(); // embedding, recurrent (PyTorch's flat order), fc1, fc2
        NDArray[] w = new NDArray[ps.size()];
        for (int i = 0; i < w.length; i++) w[i] = Torch.nd(m, ps.get(i).value(), true);
        float[] meanMask = new float[B * T], lastMask = new float[B * T], maxPenalty = new float[B * T];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                meanMask[b * T + t] = t < LENGTHS[b] ? 1f / LENGTHS[b] : 0f;
                lastMask[b * T + t] = t == LENGTHS[b] - 1 ? 1f : 0f;
                maxPenalty[b * T + t] = t < LENGTHS[b] ? 0f : -1e9f;
            }
        NDArray tLogits, tLoss;
        try (GradientCollector gc = Torch.gradients()) {
            NDArray x = TorchRef.embedding(w[0], Torch.indices(m, ids, B, T));
            NDList rp = new NDList();
            int nRec = ps.size() - 5;
            for (int i = 1; i <= nRec; i++) rp.add(w[i]);
            NDArray h0 = m.zeros(Torch.shapeOf(new int[] {cfg.layers(), B, H}));
            NDArrayEx ex = x.getNDArrayInternal();
            NDArray out = switch (cfg.cell()) {
                case "rnn" -> ex.rnn(x, h0, rp, true, cfg.layers(), RNN.Activation.TANH, 0.0, true, false, true).get(0);
                case "gru" -> ex.gru(x, h0, rp, true, cfg.layers(), 0.0, true, false, true).get(0);
                default -> ex.lstm(x, new NDList(h0, m.zeros(h0.getShape())), rp, true, cfg.layers(), 0.0, true, false, true).get(0);
            };
            NDArray agg = cfg.aggregation().equals("mean")
                    ? out.mul(m.create(meanMask, Torch.shapeOf(new int[] {B, T, 1}))).sum(new int[] {1})
                    : out.add(m.create(maxPenalty, Torch.shapeOf(new int[] {B, T, 1}))).max(new int[] {1});
            if (cfg.concatLast()) agg = agg.concat(out.mul(m.create(lastMask, Torch.shapeOf(new int[] {B, T, 1}))).sum(new int[] {1}), 1);
            NDArray hid = TorchRef.linear(agg.tanh(), w[nRec + 1], w[nRec + 2]).tanh();
            tLogits = TorchRef.linear(hid, w[nRec + 3], w[nRec + 4]);
            tLoss = TorchRef.crossEntropy(tLogits, labels, -1);
            gc.backward(tLoss);
        }
        TorchAssert.assertClose(cfg.cell() + " logits", Torch.floats(tLogits), logits.data, ATOL, RTOL);
        TorchAssert.assertClose(cfg.cell() + " loss", Torch.floats(tLoss), loss.data, ATOL, RTOL);
        for (int i = 0; i < ps.size(); i++)
            TorchAssert.assertClose(cfg.cell() + " d/d" + ps.get(i).name(), Torch.grad(w[i]), ps.get(i).value().grad(), ATOL, RTOL);
    }
}
