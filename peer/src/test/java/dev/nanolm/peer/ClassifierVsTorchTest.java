// nanolm's recurrent text classifier against the same network composed from libtorch ops via DJL (TorchClassifier):
// same weights, a padded batch of texts of different lengths; logits, loss and every gradient.
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClassifierVsTorchTest extends PeerTest {
    static final double ATOL = 2e-5, RTOL = 2e-4;
    static final int V = 23, E = 8, H = 12, C = 4, B = 5;
    static final int[] LENGTHS = {7, 3, 9, 1, 5};

    static Stream<ClassifierConfig> configs() {
        return Stream.of(
                new ClassifierConfig("rnn", V, E, H, 1, false, 0f, "mean", false, false, C),
                new ClassifierConfig("gru", V, E, H, 2, false, 0f, "mean", true, false, C),
                new ClassifierConfig("lstm", V, E, H, 2, false, 0f, "max", true, false, C));
    }


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
        TorchClassifier t = new TorchClassifier(m, net); // eval mode: no dropout
        NDArray tLogits, tLoss;
        try (GradientCollector gc = Torch.gradients()) {
            tLogits = t.logits(ids, LENGTHS, B, T);
            tLoss = TorchClassifier.loss(tLogits, labels);
            gc.backward(tLoss);
        }
        TorchAssert.assertClose(cfg.cell() + " logits", Torch.floats(tLogits), logits.data, ATOL, RTOL);
        TorchAssert.assertClose(cfg.cell() + " loss", Torch.floats(tLoss), loss.data, ATOL, RTOL);
        for (int i = 0; i < ps.size(); i++)
            TorchAssert.assertClose(cfg.cell() + " d/d" + ps.get(i).name(), Torch.grad(t.leaves().get(i)), ps.get(i).value().grad(), ATOL, RTOL);
    }
}
