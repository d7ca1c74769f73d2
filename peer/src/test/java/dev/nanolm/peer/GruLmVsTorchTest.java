// The gru-lm language model against the same network in libtorch ops via DJL (Embedding, fused multi-layer GRU through
// NDArrayEx from a zero state, Linear head) with identical weights: logits, loss and every parameter gradient.
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.models.ModelType;
import dev.nanolm.models.SeqConfig;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GruLmVsTorchTest extends PeerTest {
    /** float32 on both sides, different summation orders over at most 12 steps; the classifier peer test's allowance. */
    static final double ATOL = 2e-5, RTOL = 2e-4;
    static final int V = 19, E = 8, H = 12, B = 3, T = 12;


    @ParameterizedTest(name = "{0} layer(s)")
    @ValueSource(ints = {1, 3})
    void logitsLossAndEveryGradientMatchLibtorch(int layers) {
        Rng rng = new Rng(31 + layers);
        LanguageModel net = ModelType.create("gru-lm", new SeqConfig("gru-lm", V, T, E, H, layers, 0f), rng);
        int[] x = Torch.randint(rng, V, B * T), y = Torch.randint(rng, V, B * T);
        Tensor logits = net.logits(x, B, T);
        Tensor loss = Ops.crossEntropy(logits, y);
        Tape.backward(loss);

        List<Parameter> ps = net.parameters(); // wte, the GRU in PyTorch's flat order, lm_head weight and bias
        NDArray[] w = new NDArray[ps.size()];
        for (int i = 0; i < w.length; i++) w[i] = Torch.nd(m, ps.get(i).value(), true);
        NDArray tLogits, tLoss;
        try (GradientCollector gc = Torch.gradients()) {
            NDArray emb = TorchRef.embedding(w[0], Torch.indices(m, x, B, T));               // (B,T,E)
            NDList gru = new NDList();
            for (int i = 1; i < w.length - 2; i++) gru.add(w[i]);
            NDArray h0 = m.zeros(Torch.shapeOf(new int[] {layers, B, H}));
            NDArray out = emb.getNDArrayInternal().gru(emb, h0, gru, true, layers, 0.0, true, false, true).get(0); // (B,T,H)
            tLogits = TorchRef.linear(out, w[w.length - 2], w[w.length - 1]);                 // (B,T,V)
            tLoss = TorchRef.crossEntropy(tLogits.reshape(B * T, V), y, -1);
            gc.backward(tLoss);
        }
        String what = "gru-lm " + layers + " layer(s) ";
        TorchAssert.assertClose(what + "logits", Torch.floats(tLogits), logits.data, ATOL, RTOL);
        TorchAssert.assertClose(what + "loss", Torch.floats(tLoss), loss.data, ATOL, RTOL);
        for (int i = 0; i < ps.size(); i++)
            TorchAssert.assertClose(what + "d/d" + ps.get(i).name(), Torch.grad(w[i]), ps.get(i).value().grad(), ATOL, RTOL);
    }
}
