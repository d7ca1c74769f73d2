// Finite-difference gradient checks of every layer, w.r.t. its input and its parameters, on sizes
// that are not multiples of the vector width.
package dev.nanolm.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.autograd.Tape;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import org.junit.jupiter.api.Test;

class LayerGradTest {
    final Rng rng = new Rng(42);

    /** Replaces a parameter's values with random ones so identity-like inits cannot hide a wrong gradient. */
    static void randomize(Tensor t, Rng rng) {
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) (0.5 + rng.nextGaussian() * 0.5);
    }

    @Test
    void linear() {
        Linear l = new Linear(7, 5, rng);
        Tensor x = TestTensors.randn(rng, 3, 5, 7);
        GradCheck.assertGradients("Linear", in -> l.forward(in[0]), x, l.weight(), l.bias());
        Tensor out = l.forward(Tensor.zeros(2, 7));
        assertArrayEquals(new int[] {2, 5}, out.shape);
        assertArrayEquals(l.bias().data, java.util.Arrays.copyOf(out.data, 5), 0f, "zero input gives the bias");
    }

    @Test
    void linearWithoutBias() {
        Linear l = new Linear(9, 3, false, rng);
        Tensor x = TestTensors.randn(rng, 11, 9);
        GradCheck.assertGradients("Linear without bias", in -> l.forward(in[0]), x, l.weight());
    }

    @Test
    void embedding() {
        Embedding e = new Embedding(13, 6, rng);
        int[] idx = {3, 0, 12, 3, 7, 3}; // repeated rows must accumulate
        Tensor out = e.forward(idx, 2, 3);
        assertArrayEquals(new int[] {2, 3, 6}, out.shape);
        for (int c = 0; c < 6; c++) assertEquals(e.weight().data[12 * 6 + c], out.data[2 * 6 + c]);
        assertArrayEquals(new int[] {6, 6}, e.forward(idx).shape);
        GradCheck.assertGradients("Embedding", in -> e.forward(idx, 2, 3), e.weight());
    }

    @Test
    void layerNorm() {
        LayerNorm ln = new LayerNorm(11);
        randomize(ln.weight(), rng);
        randomize(ln.bias(), rng);
        Tensor x = TestTensors.randn(rng, 2, 3, 11);
        GradCheck.assertGradients("LayerNorm", in -> ln.forward(in[0]), x, ln.weight(), ln.bias());
        LayerNorm noBias = new LayerNorm(5, false);
        randomize(noBias.weight(), rng);
        GradCheck.assertGradients("LayerNorm without bias", in -> noBias.forward(in[0]),
                TestTensors.randn(rng, 7, 5), noBias.weight());
    }

    @Test
    void batchNormTraining() {
        BatchNorm1d bn = new BatchNorm1d(5);
        randomize(bn.weight(), rng);
        randomize(bn.bias(), rng);
        GradCheck.assertGradients("BatchNorm1d (N,C)", in -> bn.forward(in[0]),
                TestTensors.randn(rng, 6, 5), bn.weight(), bn.bias());
        GradCheck.assertGradients("BatchNorm1d (N,L,C)", in -> bn.forward(in[0]),
                TestTensors.randn(rng, 3, 4, 5), bn.weight(), bn.bias());
    }

    @Test
    void batchNormEval() {
        BatchNorm1d bn = new BatchNorm1d(5);
        randomize(bn.weight(), rng);
        randomize(bn.bias(), rng);
        randomize(bn.runningMean(), rng);
        for (int c = 0; c < 5; c++) bn.runningVar().data[c] = 0.5f + c * 0.3f;
        bn.eval();
        GradCheck.assertGradients("BatchNorm1d eval", in -> bn.forward(in[0]),
                TestTensors.randn(rng, 7, 5), bn.weight(), bn.bias());
    }

    @Test
    void dropoutTraining() {
        Tensor x = TestTensors.randn(rng, 9, 13);
        // a fresh Rng with a fixed seed per call keeps the mask fixed across finite-difference evaluations
        GradCheck.assertGradients("Dropout", in -> new Dropout(0.3f, new Rng(7)).forward(in[0]), x);
    }

    @Test
    void dropoutZeroesAboutPAndRescalesTheRest() {
        Dropout d = new Dropout(0.25f, new Rng(3));
        Tensor x = Init.ones(Tensor.zeros(20_011));
        Tensor y;
        try (var g = Tape.noGrad()) { y = d.forward(x); }
        int zeros = 0;
        for (float v : y.data) {
            if (v == 0f) zeros++;
            else assertEquals(1 / 0.75f, v, 1e-6f);
        }
        assertEquals(0.25, zeros / 20_011.0, 0.015);
    }

    @Test
    void activations() {
        Tensor x = TestTensors.awayFromZero(rng, 0.05f, 3, 7);
        GradCheck.assertGradients("Tanh", in -> new Tanh().forward(in[0]), x);
        GradCheck.assertGradients("Relu", in -> new Relu().forward(in[0]), x);
        GradCheck.assertGradients("Gelu", in -> new Gelu().forward(in[0]), x);
        Tensor y;
        try (var g = Tape.noGrad()) { y = new Relu().forward(x); }
        for (int i = 0; i < x.numel(); i++) assertEquals(Math.max(0f, x.data[i]), y.data[i]);
    }

    @Test
    void sequentialMlp() {
        Linear l1 = new Linear(6, 9, rng), l2 = new Linear(9, 4, rng);
        BatchNorm1d bn = new BatchNorm1d(9);
        Sequential mlp = new Sequential(l1, bn, new Tanh(), l2);
        GradCheck.assertGradients("Sequential", in -> mlp.forward(in[0]), TestTensors.randn(rng, 5, 6),
                l1.weight(), l1.bias(), bn.weight(), bn.bias(), l2.weight(), l2.bias());
    }
}
