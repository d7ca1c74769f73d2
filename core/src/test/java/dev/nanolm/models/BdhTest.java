// The Baby Dragon Hatchling: bdh.py's parameter names, shapes and init, its RoPE tables, causality, gradients of the
// whole model against finite differences on a tiny config, dropout only in training, config errors.
package dev.nanolm.models;

import static dev.nanolm.models.MakemoreModelsTest.param;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.autograd.Tape;
import dev.nanolm.config.ConfigException;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BdhTest {
    static final int V = 11, BLOCK = 6, L = 2, D = 8, NH = 2, MULT = 2; // N = 2 * 8 / 2 = 8 neurons per head

    @AfterEach void clearTape() { Tape.reset(); }

    static Bdh tiny(float dropout, long seed) { return new Bdh(new BdhConfig(V, BLOCK, L, D, NH, MULT, dropout), new Rng(seed)); }

    @Test void hasBdhPyParametersShapesAndInit() {
        Bdh m = tiny(0f, 1);
        int N = 8;
        assertEquals(List.of("decoder", "encoder", "encoder_v", "lm_head", "embed.weight"), m.parameters().stream().map(Parameter::name).toList());
        assertArrayEquals(new int[] {NH * N, D}, param(m, "decoder").shape);
        assertArrayEquals(new int[] {NH, D, N}, param(m, "encoder").shape);
        assertArrayEquals(new int[] {NH, D, N}, param(m, "encoder_v").shape);
        assertArrayEquals(new int[] {D, V}, param(m, "lm_head").shape);
        // the weights are shared by all layers: the count does not grow with n-layer
        assertEquals(3L * NH * N * D + 2L * V * D, m.numParams());
        assertEquals(m.numParams(), new Bdh(new BdhConfig(V, BLOCK, 5, D, NH, MULT, 0f), new Rng(1)).numParams());
        Bdh big = new Bdh(new BdhConfig(64, 8, 1, 32, 4, 16, 0f), new Rng(2));
        for (Parameter p : big.parameters()) {
            double s = 0;
            for (float v : p.value().data) s += v * v;
            double sd = Math.sqrt(s / p.value().numel());
            assertTrue(sd > 0.017 && sd < 0.023, p.name() + " std " + sd + ", bdh.py draws N(0, 0.02)");
        }
        assertEquals(ModelType.Data.TEXT, ModelType.kind("bdh").data());
    }

    @Test void ropeTablesFollowBdhPy() {
        int T = 40, N = 8;
        float[][] cs = Bdh.ropeTables(T, N);
        for (int t = 0; t < T; t++)
            for (int n = 0; n < N; n++) {
                // freq = theta^(-2 floor(n/2) / N) / 2pi, phase = (t freq mod 1) 2pi: the angle t * theta^(-2 floor(n/2) / N)
                double angle = t * Math.pow(65536, -(n / 2 * 2) / (double) N);
                assertEquals(Math.cos(angle), cs[0][t * N + n], 2e-5 * Math.max(1, t), "cos t" + t + " n" + n);
                assertEquals(Math.sin(angle), cs[1][t * N + n], 2e-5 * Math.max(1, t), "sin t" + t + " n" + n);
            }
    }

    @Test void logitsAreCausal() {
        Bdh m = tiny(0f, 3);
        int[] a = {1, 2, 3, 4, 5, 6}, b = {1, 2, 3, 9, 9, 9};
        Tensor la = m.logits(a, 1, BLOCK), lb = m.logits(b, 1, BLOCK);
        assertArrayEquals(Arrays.copyOf(la.data, 3 * V), Arrays.copyOf(lb.data, 3 * V), 1e-6f);
        assertFalse(Arrays.equals(Arrays.copyOfRange(la.data, 3 * V, 4 * V), Arrays.copyOfRange(lb.data, 3 * V, 4 * V)));
        assertArrayEquals(new int[] {2, 4, V}, m.logits(new int[8], 2, 4).shape);
        assertThrows(IllegalArgumentException.class, () -> m.logits(new int[BLOCK + 1], 1, BLOCK + 1));
    }

    @Test void gradientsMatchFiniteDifferences() {
        Bdh m = tiny(0f, 4);
        // larger weights than the 0.02 init, so that the neurons are not all tiny and each path carries a gradient
        Rng r = new Rng(5);
        for (Parameter p : m.parameters()) dev.nanolm.nn.Init.normal(p.value(), 0, 0.5, r);
        int[] X = TestTensors.ints(new Rng(6), 2 * 5, V);
        // the loss is far from smooth at the default step: two ReLUs per layer, and LayerNorms of attention outputs that
        // can be tiny (position 1 sees one earlier position, scaled by one sparse dot product), where the norm turns
        // sharply. Measured worst relative errors: ~1 at h = 1e-2 and 3e-3, 0.1-0.5 at 1e-3, under 1e-2 at 3e-4, so
        // a step of 3e-4 with a tolerance of 5e-2 (float32 noise at that step stays well below it)
        GradCheck.assertGradients("bdh", 3e-4, 5e-2, in -> m.logits(X, 2, 5), param(m, "embed.weight"), param(m, "encoder"),
                param(m, "encoder_v"), param(m, "decoder"), param(m, "lm_head"));
    }

    @Test void decoderLogitsEqualTheFullForwardAtEveryPosition() {
        Bdh m = tiny(0.3f, 9);
        Rng r = new Rng(10);
        for (Parameter p : m.parameters()) dev.nanolm.nn.Init.normal(p.value(), 0, 0.3, r); // neurons well away from zero
        m.eval();
        int[] X = TestTensors.ints(new Rng(11), BLOCK, V);
        Tensor full = m.logits(X, 1, BLOCK);
        LanguageModel.Decoder dec = m.decoder();
        for (int round = 0; round < 2; round++) { // a reset forgets the states
            dec.reset();
            for (int t = 0; t < BLOCK; t++)
                TestTensors.assertClose("bdh position " + t, Arrays.copyOfRange(full.data, t * V, (t + 1) * V), dec.next(X[t]), 1e-4);
        }
        assertEquals(BLOCK, dec.position());
        assertThrows(IllegalStateException.class, () -> dec.next(0));
        dec.rewind();
        assertEquals(0, dec.position());
        assertThrows(IllegalArgumentException.class, () -> dec.next(-1));
    }

    @Test void dropoutActsOnlyInTraining() {
        Bdh m = tiny(0.5f, 7);
        int[] X = TestTensors.ints(new Rng(8), 2 * BLOCK, V);
        m.train(true);
        assertFalse(Arrays.equals(m.logits(X, 2, BLOCK).data, m.logits(X, 2, BLOCK).data));
        m.eval();
        assertArrayEquals(m.logits(X, 2, BLOCK).data, m.logits(X, 2, BLOCK).data);
    }

    @Test void configRejectsBadShapes() {
        assertThrows(ConfigException.class, () -> new BdhConfig(V, BLOCK, L, 6, 4, 1, 0f)); // 6/4 neurons per head
        assertThrows(ConfigException.class, () -> new BdhConfig(V, BLOCK, L, 3, 1, 1, 0f)); // N = 3 is odd: RoPE needs pairs
        assertThrows(ConfigException.class, () -> new BdhConfig(V, BLOCK, 0, D, NH, MULT, 0f));
        assertThrows(ConfigException.class, () -> new BdhConfig(V, BLOCK, L, D, NH, MULT, 1f));
    }
}
