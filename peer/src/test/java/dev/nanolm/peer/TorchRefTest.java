// Checks the torch-side references against double-precision formulas, so that a disagreement with nanolm
// can be blamed on the right side.
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TorchRefTest extends PeerTest {

    @Test void geluTanhMatchesFormulaForwardAndBackward() {
        Rng rng = new Rng(11);
        Tensor x = Torch.randn(rng, 3f, 7, 13);
        Tensor r = Torch.randn(rng, 1f, 7, 13);
        NDArray tx = Torch.nd(m, x, true);
        NDArray y;
        try (GradientCollector gc = Torch.gradients()) {
            y = TorchRef.geluTanh(tx);
            gc.backward(TorchRef.project(y, Torch.nd(m, r)));
        }
        TorchAssert.assertClose("gelu", Ref64.geluTanh(x.data), Torch.floats(y), 1e-6, 1e-5);
        TorchAssert.assertClose("dgelu", Ref64.geluTanhBackward(x.data, r.data), Torch.grad(tx), 1e-6, 1e-5);
        // and it is not torch's exact (erf) gelu, which differs by up to ~1e-3 here
        float[] exact = Torch.floats(tx.getNDArrayInternal().gelu());
        float maxDiff = 0;
        for (int i = 0; i < exact.length; i++) maxDiff = Math.max(maxDiff, Math.abs(exact[i] - Torch.floats(y)[i]));
        assertTrue(maxDiff > 1e-5, "tanh and erf gelu should differ, max diff " + maxDiff);
    }

    @Test void crossEntropyWithIgnoredTargetsMatchesFormula() {
        Rng rng = new Rng(12);
        int n = 23, c = 27;
        Tensor logits = Torch.randn(rng, 2f, n, c);
        int[] t = Torch.randint(rng, c, n);
        t[3] = -100; t[17] = -100;
        float loss = TorchRef.crossEntropy(Torch.nd(m, logits), t, -100).getFloat();
        assertEquals(Ref64.crossEntropy(logits.data, n, c, t, -100), loss, 1e-5);
    }

    @Test void layerNormMatchesFormula() {
        Rng rng = new Rng(13);
        int c = 45;
        Tensor x = Torch.randn(rng, 2f, 6, c);
        Tensor w = Torch.randn(rng, 1f, c), b = Torch.randn(rng, 1f, c);
        float[] y = Torch.floats(TorchRef.layerNorm(Torch.nd(m, x), Torch.nd(m, w), Torch.nd(m, b), 1e-5f));
        TorchAssert.assertClose("layernorm", Ref64.layerNorm(x.data, c, w.data, b.data, 1e-5), y, 1e-5, 1e-5);
    }

    @Test void batchNormTrainingMatchesFormulaIncludingRunningStats() {
        Rng rng = new Rng(14);
        int c = 23;
        Tensor x = Torch.randn(rng, 2f, 4, 9, c);
        Tensor g = Torch.randn(rng, 1f, c), b = Torch.randn(rng, 1f, c);
        Tensor rm = Torch.randn(rng, 1f, c);
        Tensor rv = Torch.randn(rng, 0.2f, c);
        for (int i = 0; i < c; i++) rv.data[i] = 1 + Math.abs(rv.data[i]);
        NDArray trm = Torch.nd(m, rm), trv = Torch.nd(m, rv);
        float[] y = Torch.floats(TorchRef.batchNorm(Torch.nd(m, x), Torch.nd(m, g), Torch.nd(m, b), trm, trv, true, 0.1f, 1e-5f));
        float[] erm = rm.data.clone(), erv = rv.data.clone();
        float[] ey = Ref64.batchNormTrain(x.data, c, g.data, b.data, erm, erv, 0.1, 1e-5);
        TorchAssert.assertClose("batchnorm", ey, y, 1e-5, 1e-5);
        TorchAssert.assertClose("running_mean", erm, Torch.floats(trm), 1e-6, 1e-5);
        TorchAssert.assertClose("running_var", erv, Torch.floats(trv), 1e-6, 1e-5);
    }

    @Test void embeddingGathersRows() {
        Rng rng = new Rng(15);
        Tensor w = Torch.randn(rng, 1f, 27, 10);
        int[] idx = {3, 0, 26, 3, 5, 7};
        NDArray out = TorchRef.embedding(Torch.nd(m, w), Torch.indices(m, idx, 2, 3));
        assertArrayEquals(new long[] {2, 3, 10}, out.getShape().getShape());
        float[] o = Torch.floats(out);
        float[] e = new float[idx.length * 10];
        for (int i = 0; i < idx.length; i++) System.arraycopy(w.data, idx[i] * 10, e, i * 10, 10);
        TorchAssert.assertClose("embedding", e, o, 0, 0);
    }
}
