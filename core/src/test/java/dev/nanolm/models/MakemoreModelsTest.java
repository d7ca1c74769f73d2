// The makemore ladder's models: parameter counts as in the lectures, causality of the sequence models,
// train/eval behaviour of BatchNorm, finite-difference gradients through whole models, config errors.
package dev.nanolm.models;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.config.ConfigException;
import dev.nanolm.nn.FlattenConsecutive;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MakemoreModelsTest {

    static Tensor param(LanguageModel m, String name) {
        for (Parameter p : m.parameters()) if (p.name().equals(name)) return p.value();
        throw new AssertionError("no parameter " + name + " in " + m.parameters().stream().map(Parameter::name).toList());
    }

    @Test
    void mlpBnHasTheLecturesParameterCountAndUsesRunningStatsInEval() {
        WindowModel m = ModelType.create(new ModelConfig("mlp-bn", 27, 3, 10, 200, "kaiming"), new Rng(1));
        assertEquals(12097, m.numParams()); // makemore part 3: 270 + 30*200 + 2*200 (bn) + 200*27 + 27
        int[] X = {0, 0, 1, 5, 6, 7, 2, 2, 2, 9, 0, 4};
        m.train(true);
        Tensor a = m.logits(X, 4);
        m.train(false);
        Tensor b = m.logits(X, 4);
        // after one training forward the running stats moved only 10% towards the batch: eval logits differ
        assertFalse(Arrays.equals(a.data, b.data));
        // in eval mode an example's logits do not depend on the rest of the batch
        Tensor single = m.logits(Arrays.copyOf(X, 3), 1);
        assertArrayEquals(Arrays.copyOf(b.data, 27), single.data, 1e-5f);
    }

    @Test
    void waveNetHasTheLecturesParameterCountAndFusesPairs() {
        WindowModel m = ModelType.create(new ModelConfig("wavenet", 27, 8, 24, 128, "kaiming"), new Rng(2));
        assertEquals(76579, m.numParams()); // makemore part 5's 76,579
        Tensor logits = m.logits(new int[16], 2);
        assertArrayEquals(new int[] {2, 27}, logits.shape);
        assertThrows(ConfigException.class, () -> ModelType.create(new ModelConfig("wavenet", 27, 6, 24, 128, "kaiming"), new Rng(1)));
        assertThrows(ConfigException.class, () -> ModelType.create(new ModelConfig("wavenet", 27, 1, 24, 128, "kaiming"), new Rng(1)));
    }

    @Test
    void flattenConsecutiveConcatenatesNeighbours() {
        Tensor x = TestTensors.randn(new Rng(3), 2, 6, 5);
        FlattenConsecutive f = new FlattenConsecutive(3);
        Tensor y = f.forward(x);
        assertArrayEquals(new int[] {2, 2, 15}, y.shape);
        // (b=1, group 1) holds positions 3,4,5 of batch row 1, one after the other
        for (int j = 0; j < 3; j++)
            for (int c = 0; c < 5; c++)
                assertEquals(x.data[(1 * 6 + 3 + j) * 5 + c], y.data[(1 * 2 + 1) * 15 + j * 5 + c]);
        GradCheck.assertGradients("FlattenConsecutive", in -> f.forward(in[0]), x);
        assertThrows(RuntimeException.class, () -> f.forward(TestTensors.randn(new Rng(1), 2, 5, 5)));
    }

    @Test
    void waveNetGradientsMatchFiniteDifferences() {
        WindowModel m = ModelType.create(new ModelConfig("wavenet", 7, 4, 3, 5, "kaiming"), new Rng(4));
        int[] X = {1, 2, 3, 4, 0, 0, 6, 5, 2, 2, 2, 1};
        GradCheck.assertGradients("wavenet", 1e-2, GradCheck.TOL, in -> m.logits(X, 3), param(m, "C.weight"), param(m, "layers.1.weight"),
                param(m, "layers.2.weight"), param(m, "layers.6.bias"), param(m, "layers.8.bias"));
    }

    @Test
    void bagOfWordsIsCausalAndHasCorrectGradients() {
        SeqConfig cfg = new SeqConfig("bow", 9, 6, 5, 7, 1, 0f);
        LanguageModel m = ModelType.create("bow", cfg, new Rng(5));
        assertEquals(9 * 5 + 6 * 5 + (5 * 7 + 7) + (7 * 5 + 5) + (5 * 9 + 9), m.numParams());
        int[] a = {0, 3, 4, 1, 8, 2}, b = {0, 3, 4, 7, 7, 7};
        Tensor la = m.logits(a, 1, 6), lb = m.logits(b, 1, 6);
        // positions 0..2 saw the same tokens: same logits; position 3 saw a different token
        assertArrayEquals(Arrays.copyOf(la.data, 27), Arrays.copyOf(lb.data, 27), 1e-6f);
        assertFalse(Arrays.equals(Arrays.copyOfRange(la.data, 27, 36), Arrays.copyOfRange(lb.data, 27, 36)));
        // a shorter sequence gives the same logits as the prefix of a longer one
        assertArrayEquals(Arrays.copyOf(la.data, 36), m.logits(Arrays.copyOf(a, 4), 1, 4).data, 1e-5f);
        int[] X = {0, 1, 2, 3, 4, 5, 0, 8, 8, 1, 1, 2};
        GradCheck.assertGradients("bow", in -> m.logits(X, 2, 6), param(m, "wte.weight"), param(m, "wpe.weight"),
                param(m, "c_fc.weight"), param(m, "c_proj.bias"), param(m, "lm_head.weight"));
    }

    @Test
    void makemoreTransformerIsAnUntiedGptWithDefaultInit() {
        GptConfig cfg = new GptConfig(27, 16, 2, 2, 8, 0f, true);
        LanguageModel t = ModelType.create("transformer", cfg, new Rng(6));
        LanguageModel g = ModelType.create("gpt", cfg, new Rng(6));
        assertEquals("transformer", t.type());
        assertEquals(g.numParams() + 27 * 8, t.numParams()); // its own lm_head
        assertNotSame(param(t, "transformer.wte.weight"), param(t, "lm_head.weight"));
        // PyTorch's Embedding default is N(0,1), nanoGPT's N(0,0.02)
        double sd = std(param(t, "transformer.wte.weight")), sdGpt = std(param(g, "transformer.wte.weight"));
        assertTrue(sd > 0.7 && sd < 1.3, "transformer wte std " + sd);
        assertTrue(sdGpt < 0.03, "gpt wte std " + sdGpt);
        int[] X = {0, 5, 6, 7};
        GradCheck.assertGradients("transformer", in -> t.logits(X, 1, 4), param(t, "lm_head.weight"),
                param(t, "transformer.h.0.attn.c_attn.weight"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"rnn", "gru", "lstm"})
    void recurrentModelsAreCausalLearnTheirStartStateAndHaveCorrectGradients(String type) {
        SeqConfig cfg = new SeqConfig(type, 9, 6, 5, 4, 2, 0f);
        LanguageModel m = ModelType.create(type, cfg, new Rng(8));
        int gates = type.equals("rnn") ? 1 : type.equals("gru") ? 3 : 4;
        int rnnParams = gates * 4 * (5 + 4 + 2) + gates * 4 * (4 + 4 + 2); // two layers: w_ih, w_hh, b_ih, b_hh
        assertEquals(9 * 5 + rnnParams + 2 * 4 * (type.equals("lstm") ? 2 : 1) + 4 * 9 + 9, m.numParams());
        int[] a = {0, 3, 4, 1, 8, 2}, b = {0, 3, 4, 7, 7, 7};
        Tensor la = m.logits(a, 1, 6), lb = m.logits(b, 1, 6);
        assertArrayEquals(Arrays.copyOf(la.data, 27), Arrays.copyOf(lb.data, 27), 1e-6f);
        assertFalse(Arrays.equals(Arrays.copyOfRange(la.data, 27, 36), Arrays.copyOfRange(lb.data, 27, 36)));
        int[] X = {0, 1, 2, 3, 4, 5, 0, 8, 8, 1, 1, 2};
        Tensor start = param(m, "start");
        for (int i = 0; i < start.data.length; i++) start.data[i] = 0.1f * (i % 5) - 0.2f; // not zero: a real start state
        GradCheck.assertGradients(type, in -> m.logits(X, 2, 6), start, param(m, "wte.weight"),
                param(m, "rnn.weight_hh_l1"), param(m, "lm_head.weight"));
        if (type.equals("lstm")) GradCheck.assertGradients("lstm start_c", in -> m.logits(X, 2, 6), param(m, "start_c"));
    }

    @Test
    void lectureGptWithDefaultInitKeepsPyTorchsInit() {
        GptConfig cfg = new GptConfig(27, 8, 1, 2, 8, 0f, true);
        LanguageModel d = ModelType.create("gpt-lecture-default-init", cfg, new Rng(6)), g = ModelType.create("gpt-lecture", cfg, new Rng(6));
        assertEquals("gpt-lecture-default-init", d.type());
        assertEquals(g.numParams(), d.numParams());
        double sd = std(param(d, "token_embedding_table.weight")), sdG = std(param(g, "token_embedding_table.weight"));
        assertTrue(sd > 0.7 && sd < 1.3, "Embedding default N(0,1): " + sd);
        assertTrue(sdG < 0.03, "_init_weights N(0,0.02): " + sdG);
    }

    @Test
    void seqConfigRejectsBadShapes() {
        assertThrows(ConfigException.class, () -> new SeqConfig("bow", 27, 0, 64, 64, 1, 0f));
        assertThrows(ConfigException.class, () -> new SeqConfig("bow", 27, 16, 64, -1, 1, 0f));
        assertThrows(ConfigException.class, () -> new SeqConfig("bow", 27, 16, 64, 64, 1, 1f));
        assertThrows(ConfigException.class, () -> new SeqConfig("nope", 27, 16, 64, 64, 1, 0f));
    }

    static double std(Tensor t) {
        double s = 0, s2 = 0;
        for (float v : t.data) { s += v; s2 += v * v; }
        double m = s / t.data.length;
        return Math.sqrt(s2 / t.data.length - m * m);
    }
}
