// The classifier's masking (a text alone and padded inside a batch get the same logits, every cell, direction and
// pooling), recurrent layers holding their state over padding, and finite-difference gradients of the whole model.
package dev.nanolm.classify;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Gru;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RnnClassifierTest {
    static final int V = 11, C = 3;
    static final int[][] TEXTS = {{1, 5, 6, 2}, {1, 7, 2}, {1, 4, 8, 9, 10, 5, 2}};

    static ClassifierConfig cfg(String cell, int layers, boolean bidir, String agg, boolean last) {
        return new ClassifierConfig(cell, V, 5, 4, layers, bidir, 0.1f, agg, last, false, C);
    }

    static Stream<Arguments> configs() {
        List<Arguments> a = new ArrayList<>();
        for (String cell : new String[] {"rnn", "gru", "lstm"}) {
            a.add(Arguments.of(cfg(cell, 1, false, "mean", false)));
            a.add(Arguments.of(cfg(cell, 2, true, "max", true)));
            a.add(Arguments.of(cfg(cell, 2, false, "mean", true)));
        }
        return a.stream();
    }

    static Batches.Encoded encoded() {
        return new Batches.Encoded(TEXTS, new int[] {0, 1, 2});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void paddingNeverChangesATextsLogits(ClassifierConfig c) {
        RnnClassifier m = new RnnClassifier(c, new Rng(1));
        m.eval();
        Batches.Encoded enc = encoded();
        Batches.Batch all = enc.batch(new int[] {0, 1, 2}, 0, 3);
        Tensor together = m.logits(all.ids(), all.lengths(), all.B(), all.T(), null);
        for (int i = 0; i < TEXTS.length; i++) {
            Batches.Batch one = enc.batch(new int[] {i}, 0, 1);
            Tensor alone = m.logits(one.ids(), one.lengths(), 1, one.T(), null);
            for (int k = 0; k < C; k++) assertEquals(alone.data[k], together.data[i * C + k], 1e-5f, "text " + i + " class " + k);
        }
    }

    @Test
    void theCommonRecipeDoesDependOnPadding() {
        ClassifierConfig c = new ClassifierConfig("gru", V, 5, 4, 1, false, 0f, "mean", true, true, C);
        RnnClassifier m = new RnnClassifier(c, new Rng(1));
        m.eval();
        Batches.Encoded enc = encoded();
        Batches.Batch all = enc.batch(new int[] {0, 1, 2}, 0, 3), one = enc.batch(new int[] {1}, 0, 1);
        Tensor together = m.logits(all.ids(), all.lengths(), 3, all.T(), null), alone = m.logits(one.ids(), one.lengths(), 1, one.T(), null);
        assertNotEquals(alone.data[0], together.data[C], 1e-4f);
    }

    @Test
    void bidirectionalLayerHoldsStateOverPadding() {
        Gru g = new Gru(3, 4, 2, true, 0f, true, new Rng(2));
        Tensor x = TestTensors.randn(new Rng(3), 2, 5, 3);
        Tensor x0 = Tensor.of(java.util.Arrays.copyOf(x.data, 2 * 3), 1, 2, 3); // row 0's first 2 steps
        var padded = g.forward(x, null, null, null, new int[] {2, 5});
        var alone = g.forward(x0);
        for (int t = 0; t < 2; t++)
            for (int h = 0; h < 8; h++) assertEquals(alone.output().data[t * 8 + h], padded.output().data[t * 8 + h], 1e-6f);
        for (int k = 0; k < 4; k++) // final states of row 0, every layer and direction
            for (int h = 0; h < 4; h++) assertEquals(alone.h().data[k * 4 + h], padded.h().data[(k * 2) * 4 + h], 1e-6f);
    }

    /** Mean pooling only: max pooling's ties are kinks a finite difference can straddle (its op is checked in SeqOpsTest). */
    static Stream<Arguments> smoothConfigs() {
        List<Arguments> a = new ArrayList<>();
        for (String cell : new String[] {"rnn", "gru", "lstm"}) {
            a.add(Arguments.of(cfg(cell, 1, false, "mean", false)));
            a.add(Arguments.of(cfg(cell, 2, true, "mean", true)));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smoothConfigs")
    void gradientsOfTheWholeClassifier(ClassifierConfig c) {
        RnnClassifier m = new RnnClassifier(c, new Rng(5));
        m.eval(); // dropout off: the finite differences need a deterministic function
        Batches.Batch b = encoded().batch(new int[] {2, 0, 1}, 0, 3);
        List<Tensor> ps = new ArrayList<>();
        for (Parameter p : m.parameters()) ps.add(p.value());
        GradCheck.assertGradients(c.toString(), in -> Ops.crossEntropy(m.logits(b.ids(), b.lengths(), b.B(), b.T(), null), b.labels()),
                ps.toArray(new Tensor[0]));
    }
}
