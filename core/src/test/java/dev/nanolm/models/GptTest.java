// The GPT models (nanoGPT's and the lecture's): gradients against finite differences, shapes, nanoGPT's parameter
// names and init, weight tying, the KV-cache decoder against the full forward, and a small overfitting run.
package dev.nanolm.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.nn.Init;
import dev.nanolm.nn.Module;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.AdamW;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class GptTest {
    static final int V = 11, BLOCK = 7, L = 2, NH = 2, C = 12;

    @AfterEach void clearTape() { Tape.reset(); }

    static GptConfig tiny(boolean bias, float dropout) { return new GptConfig(V, BLOCK, L, NH, C, dropout, bias); }

    static Map<String, Tensor> params(Module m) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (Parameter p : m.parameters()) out.put(p.name(), p.value());
        return out;
    }

    /**
     * Moves every parameter away from the init (weights N(0, 0.3), norm gains 1 + N(0, 0.2), biases N(0, 0.2)) so
     * that each path carries a gradient well above the checker's floor and attention weights are far from uniform.
     */
    static void perturb(Module m, Rng rng) {
        for (Parameter p : m.parameters()) {
            if (p.rank() == 2) Init.normal(p.value(), 0, 0.3, rng);
            else if (p.name().endsWith(".bias")) Init.normal(p.value(), 0, 0.2, rng);
            else Init.normal(p.value(), 1, 0.2, rng);
        }
    }

    // ---------------------------------------------------------------- gradients

    @ParameterizedTest(name = "bias {0}")
    @ValueSource(booleans = {true, false})
    void gradientsMatchFiniteDifferences(boolean bias) {
        Gpt m = new Gpt(tiny(bias, 0f), new Rng(1));
        perturb(m, new Rng(2));
        int B = 2;
        int[] idx = TestTensors.ints(new Rng(3), B * BLOCK, V);
        Map<String, Tensor> p = params(m);
        List<String> names = new ArrayList<>(List.of("transformer.wte.weight", "transformer.wpe.weight",
                "transformer.h.0.attn.c_attn.weight", "transformer.h.1.attn.c_proj.weight", "transformer.h.0.mlp.c_fc.weight",
                "transformer.h.1.ln_2.weight", "transformer.ln_f.weight"));
        if (bias) names.addAll(List.of("transformer.h.0.attn.c_attn.bias", "transformer.h.1.mlp.c_proj.bias", "transformer.h.0.ln_1.bias"));
        Tensor[] inputs = names.stream().map(p::get).toArray(Tensor[]::new);
        // the tied weight gets gradient from the embedding lookup and from lm_head; both are in the check
        GradCheck.assertGradients("gpt bias=" + bias, in -> m.logits(idx, B, BLOCK), inputs);
    }

    @ParameterizedTest(name = "query scale {0}")
    @ValueSource(floats = {1f, 0.57735026f})
    void lectureAttentionGradientsReachEachHeadsWeights(float queryScale) {
        // the per-head weights are concatenated into one qkv weight for the fused attention: check that each head's
        // Linear (and the input) gets its own gradient; 1/sqrt(3) is the video's variant with 3 heads (C**-0.5 scores)
        GptLecture.MultiHeadAttention sa = new GptLecture.MultiHeadAttention(C, 3, 0f, queryScale, new Rng(4));
        perturb(sa, new Rng(5));
        Tensor x = TestTensors.randn(new Rng(6), 2, 5, C);
        Map<String, Tensor> p = params(sa);
        assertEquals(List.of("heads.0.key.weight", "heads.0.query.weight", "heads.0.value.weight", "heads.1.key.weight",
                "heads.1.query.weight", "heads.1.value.weight", "heads.2.key.weight", "heads.2.query.weight", "heads.2.value.weight",
                "proj.weight", "proj.bias"), new ArrayList<>(p.keySet()));
        List<Tensor> inputs = new ArrayList<>(p.values());
        inputs.add(x);
        GradCheck.assertGradients("gpt-lecture attention", in -> sa.forward(x), inputs.toArray(new Tensor[0]));
    }

    @Test void lectureGradientsMatchFiniteDifferences() {
        GptLecture m = new GptLecture(tiny(true, 0f), new Rng(4));
        perturb(m, new Rng(5));
        int B = 2, T = 5;
        int[] idx = TestTensors.ints(new Rng(6), B * T, V);
        Map<String, Tensor> p = params(m);
        Tensor[] inputs = Arrays.stream(new String[] {"blocks.0.sa.heads.0.query.weight", "blocks.0.sa.heads.1.key.weight",
                "blocks.1.sa.heads.1.value.weight", "blocks.0.sa.proj.weight", "blocks.1.ffwd.net.0.bias", "blocks.0.ffwd.net.2.weight",
                "blocks.1.ln1.bias", "lm_head.bias", "position_embedding_table.weight"}).map(p::get).toArray(Tensor[]::new);
        // ReLU kinks: with the default step (3e-2) some of the 960 ReLU inputs cross zero while a weight is perturbed and
        // spoil the difference quotient; a step of 1e-3 keeps them apart at the price of float32 rounding noise, so the
        // tolerance is 5e-2 (still far below a wrong term's error of order 1)
        GradCheck.assertGradients("gpt-lecture", 1e-3, 5e-2, in -> m.logits(idx, B, T), inputs);
    }

    // ---------------------------------------------------------------- shapes, names, init

    @Test void logitsHaveShapeBTVForAnyTUpToTheBlockSize() {
        Gpt m = new Gpt(tiny(false, 0f), new Rng(1));
        for (int T : new int[] {1, 3, BLOCK}) {
            Tensor y = m.logits(new int[3 * T], 3, T);
            assertEquals(List.of(3, T, V), Arrays.stream(y.shape).boxed().toList());
        }
        assertThrows(IllegalArgumentException.class, () -> m.logits(new int[BLOCK + 1], 1, BLOCK + 1));
        assertThrows(IllegalArgumentException.class, () -> m.logits(new int[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> m.logits(new int[] {0, V}, 1, 2));
        assertTrue(m.predictsEveryPosition());
        assertEquals("gpt", m.type());
    }

    @ParameterizedTest(name = "bias {0}")
    @ValueSource(booleans = {true, false})
    void parameterNamesAreNanoGptStateDictNames(boolean bias) {
        Gpt m = new Gpt(new GptConfig(V, BLOCK, 2, NH, C, 0f, bias), new Rng(1));
        List<String> expected = new ArrayList<>(List.of("transformer.wte.weight", "transformer.wpe.weight"));
        for (int i = 0; i < 2; i++) {
            String b = "transformer.h." + i + ".";
            for (String s : new String[] {"ln_1", "attn.c_attn", "attn.c_proj", "ln_2", "mlp.c_fc", "mlp.c_proj"}) {
                expected.add(b + s + ".weight");
                if (bias) expected.add(b + s + ".bias");
            }
        }
        expected.add("transformer.ln_f.weight");
        if (bias) expected.add("transformer.ln_f.bias");
        assertEquals(expected, m.parameters().stream().map(Parameter::name).toList());
        // the tensors carry their path as their name too (messages, checkpoints)
        for (Parameter p : m.parameters()) assertEquals(p.name(), p.value().name);
        // state_dict: every parameter, plus lm_head.weight, which is the token embedding (as in PyTorch)
        List<String> state = new ArrayList<>(expected);
        state.add("lm_head.weight");
        assertEquals(state, new ArrayList<>(m.stateDict().keySet()));
        assertSame(m.stateDict().get("transformer.wte.weight"), m.stateDict().get("lm_head.weight"));
    }

    @ParameterizedTest(name = "bias {0}")
    @ValueSource(booleans = {true, false})
    void tiedWeightIsCountedOnce(boolean bias) {
        int layers = 3, c = 16, block = 9;
        Gpt m = new Gpt(new GptConfig(V, block, layers, 4, c, 0f, bias), new Rng(1));
        long ln = bias ? 2L * c : c;
        long perBlock = 2 * ln + 3L * c * c + c * c + 4L * c * c + 4L * c * c + (bias ? 3L * c + c + 4L * c + c : 0);
        long expected = (long) V * c + (long) block * c + layers * perBlock + ln; // no separate lm_head
        assertEquals(expected, m.numParams());
        // nanoGPT's get_num_params() would report numParams() - wpe
        assertEquals(expected - (long) block * c, m.numParams() - m.stateDict().get("transformer.wpe.weight").numel());
    }

    @Test void initIsNanoGpts() {
        int layers = 3, c = 64;
        Gpt m = new Gpt(new GptConfig(65, 64, layers, 4, c, 0f, true), new Rng(7));
        double residualStd = 0.02 / Math.sqrt(2 * layers);
        for (Parameter p : m.parameters()) {
            float[] d = p.value().data;
            String n = p.name();
            if (p.rank() == 2) {
                double want = n.endsWith("c_proj.weight") ? residualStd : 0.02;
                double mean = 0, sq = 0;
                for (float v : d) mean += v;
                mean /= d.length;
                for (float v : d) sq += (v - mean) * (v - mean);
                double std = Math.sqrt(sq / d.length);
                // >= 4096 samples: the sample std is within ~1.1% of the true one (1 sigma), 8% is > 7 sigma
                assertEquals(want, std, 0.08 * want, n + " std");
                assertEquals(0, mean, 4 * want / Math.sqrt(d.length), n + " mean");
            } else {
                float want = n.endsWith(".bias") ? 0f : 1f;
                for (float v : d) assertEquals(want, v, 0f, n);
            }
        }
    }

    @Test void initialLossIsNearUniform() {
        // N(0, 0.02) weights give near-zero logits at init: loss ~ ln V
        Gpt m = new Gpt(new GptConfig(65, 16, 2, 2, 32, 0f, false), new Rng(8));
        int B = 8, T = 16;
        int[] idx = TestTensors.ints(new Rng(9), B * T, 65), y = TestTensors.ints(new Rng(10), B * T, 65);
        try (var g = Tape.noGrad()) {
            assertEquals(Math.log(65), Ops.crossEntropy(m.logits(idx, B, T), y).item(), 0.05);
        }
    }

    @Test void lectureNamesShapesAndCount() {
        int c = 12, nh = 3, layers = 2;
        GptLecture m = new GptLecture(new GptConfig(V, BLOCK, layers, nh, c, 0.2f, true), new Rng(1));
        List<String> expected = new ArrayList<>(List.of("token_embedding_table.weight", "position_embedding_table.weight"));
        for (int i = 0; i < layers; i++) {
            String b = "blocks." + i + ".";
            for (int h = 0; h < nh; h++)
                for (String s : new String[] {"key", "query", "value"}) expected.add(b + "sa.heads." + h + "." + s + ".weight");
            for (String s : new String[] {"sa.proj", "ffwd.net.0", "ffwd.net.2", "ln1", "ln2"}) {
                expected.add(b + s + ".weight");
                expected.add(b + s + ".bias");
            }
        }
        expected.addAll(List.of("ln_f.weight", "ln_f.bias", "lm_head.weight", "lm_head.bias"));
        assertEquals(expected, m.parameters().stream().map(Parameter::name).toList());
        Map<String, Tensor> p = params(m);
        assertEquals(List.of(c / nh, c), Arrays.stream(p.get("blocks.1.sa.heads.2.query.weight").shape).boxed().toList());
        assertEquals(List.of(4 * c, c), Arrays.stream(p.get("blocks.0.ffwd.net.0.weight").shape).boxed().toList());
        assertEquals(List.of(V, c), Arrays.stream(p.get("lm_head.weight").shape).boxed().toList());
        // untied: lm_head has its own weight
        assertFalse(p.get("lm_head.weight") == p.get("token_embedding_table.weight"));
        long perBlock = 3L * c * c + c * c + c + 4L * c * c + 4 * c + 4L * c * c + c + 4L * c;
        assertEquals((long) V * c + BLOCK * c + layers * perBlock + 2 * c + (long) c * V + V, m.numParams());
        Tensor y = m.logits(new int[2 * 4], 2, 4);
        assertEquals(List.of(2, 4, V), Arrays.stream(y.shape).boxed().toList());
        assertEquals("gpt-lecture", m.type());
        // gpt.py's init: Linear weights N(0, 0.02), biases 0
        assertEquals(0f, p.get("blocks.0.ffwd.net.2.bias").data[0]);
        assertThrows(ConfigException.class, () -> new GptLecture(new GptConfig(V, BLOCK, 1, 1, 4, 0f, false), new Rng(1)));
    }

    // ---------------------------------------------------------------- dropout

    @Test void dropoutIsActiveInTrainingOnlyAndDeterministicPerSeed() {
        GptConfig cfg = new GptConfig(V, BLOCK, L, NH, C, 0.3f, true);
        int[] idx = TestTensors.ints(new Rng(3), 2 * BLOCK, V);
        Gpt a = new Gpt(cfg, new Rng(11)), b = new Gpt(cfg, new Rng(11));
        float[] ta = a.logits(idx, 2, BLOCK).data, tb = b.logits(idx, 2, BLOCK).data;
        assertTrue(Arrays.equals(ta, tb), "same seed, same dropout masks");
        a.eval();
        float[] ea = a.logits(idx, 2, BLOCK).data, ea2 = a.logits(idx, 2, BLOCK).data;
        assertTrue(Arrays.equals(ea, ea2), "eval mode is deterministic");
        assertFalse(Arrays.equals(ta, ea), "training mode drops units");
    }

    // ---------------------------------------------------------------- KV-cache decoder

    static void assertDecoderMatchesForward(LanguageModel m, int T, long seed) {
        m.eval();
        int[] idx = TestTensors.ints(new Rng(seed), T, m.vocabSize());
        float[] full;
        try (var g = Tape.noGrad()) { full = m.logits(idx, 1, T).data; }
        LanguageModel.Decoder d = m.decoder();
        assertNotNull(d);
        for (int round = 0; round < 2; round++) { // the second round checks that reset forgets everything
            d.reset();
            for (int t = 0; t < T; t++) {
                assertEquals(t, d.position());
                float[] got = d.next(idx[t]);
                TestTensors.assertClose(m.type() + " position " + t, Arrays.copyOfRange(full, t * m.vocabSize(), (t + 1) * m.vocabSize()), got, 1e-4);
            }
            assertEquals(T, d.position());
        }
    }

    @ParameterizedTest(name = "bias {0}")
    @ValueSource(booleans = {true, false})
    void decoderLogitsEqualTheFullForwardAtEveryPosition(boolean bias) {
        Gpt m = new Gpt(new GptConfig(V, BLOCK, L, 3, C, 0.2f, bias), new Rng(12)); // dropout is off in eval mode
        perturb(m, new Rng(13));
        assertDecoderMatchesForward(m, BLOCK, 14);
        LanguageModel.Decoder d = m.decoder();
        for (int t = 0; t < BLOCK; t++) d.next(t % V);
        assertThrows(IllegalStateException.class, () -> d.next(0));
        d.reset();
        assertEquals(0, d.position());
        assertThrows(IllegalArgumentException.class, () -> d.next(V));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(GptLecture.Variant.class)
    void lectureDecoderLogitsEqualTheFullForward(GptLecture.Variant variant) {
        GptLecture m = new GptLecture(new GptConfig(V, BLOCK, L, 3, C, 0.2f, true), new Rng(15), variant);
        perturb(m, new Rng(16));
        assertDecoderMatchesForward(m, BLOCK, 17);
    }

    @Test void decoderSeesWeightsUpdatedAfterItWasMade() {
        Gpt m = new Gpt(tiny(true, 0f), new Rng(18));
        LanguageModel.Decoder d = m.decoder();
        perturb(m, new Rng(19)); // in place, as an optimizer step
        m.eval();
        float[] full;
        try (var g = Tape.noGrad()) { full = m.logits(new int[] {4}, 1, 1).data; }
        d.reset();
        TestTensors.assertClose("after update", full, d.next(4), 1e-4);
    }

    // ---------------------------------------------------------------- learning

    @Test void tinyGptLearnsARepeatingSequence() {
        // after 0 comes 1, 2 or 3 depending on what came before the 0: the model must look back (attention)
        int[] pattern = {0, 1, 0, 2, 0, 3, 4};
        int B = 8, T = 8, steps = 120;
        Gpt m = new Gpt(new GptConfig(5, T, 2, 2, 32, 0f, false), new Rng(20));
        AdamW opt = new AdamW(m.parameters(), 1e-2f, 0.9f, 0.99f, 1e-8f, 0.1f);
        Rng rng = new Rng(21);
        int[] x = new int[B * T], y = new int[B * T];
        float first = 0, last = 0;
        for (int step = 0; step < steps; step++) {
            for (int b = 0; b < B; b++) {
                int start = rng.nextInt(pattern.length);
                for (int t = 0; t < T; t++) {
                    x[b * T + t] = pattern[(start + t) % pattern.length];
                    y[b * T + t] = pattern[(start + t + 1) % pattern.length];
                }
            }
            opt.zeroGrad();
            Tape.reset();
            Tensor loss = Ops.crossEntropy(m.logits(x, B, T), y);
            Tape.backward(loss);
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        // ln 5 = 1.61 at init, a little more: the tied embedding gives the current token a head start, and it never comes next
        assertTrue(first > 1.5f, "initial loss " + first);
        // the only uncertainty left is the token after a 0 at the first position (at most ln 3 there, 1/T of the tokens)
        assertTrue(last < 0.5f, "loss after " + steps + " steps: " + last);
    }

    // ---------------------------------------------------------------- config and registry

    @Test void configIsValidatedAndReadFromSettings() {
        ConfigException e = assertThrows(ConfigException.class, () -> new GptConfig(V, 8, 2, 5, 12, 0f, false));
        assertTrue(e.getMessage().contains("12") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(ConfigException.class, () -> new GptConfig(V, 8, 2, 2, 12, 1f, false));
        assertThrows(ConfigException.class, () -> new GptConfig(V, 8, 2, 2, 12, -0.1f, false));
        assertThrows(ConfigException.class, () -> new GptConfig(V, 0, 2, 2, 12, 0f, false));
        assertThrows(ConfigException.class, () -> new GptConfig(V, 8, 0, 2, 12, 0f, false));
        assertThrows(ConfigException.class, () -> new GptConfig(0, 8, 2, 2, 12, 0f, false));

        Settings s = Settings.defaults().set("model", "gpt").set("block-size", "64").set("n-layer", "4").set("n-head", "4")
                .set("n-embd", "128").set("dropout", "0.1").set("bias", "true");
        assertEquals(new GptConfig(65, 64, 4, 4, 128, 0.1f, true), ModelType.config(s, 65));
        s.set("model", "gpt-lecture").set("bias", "false");
        assertEquals(new GptConfig(65, 64, 4, 4, 128, 0.1f, true), ModelType.config(s, 65), "the lecture always has biases");
    }

    @Test void registryBuildsBothAndConfigRoundTripsThroughJson() throws Exception {
        GptConfig cfg = new GptConfig(V, BLOCK, 1, 2, 8, 0.1f, false);
        assertTrue(ModelType.create("gpt", cfg, new Rng(1)) instanceof Gpt);
        GptConfig lc = new GptConfig(V, BLOCK, 1, 2, 8, 0.2f, true);
        assertTrue(ModelType.create("gpt-lecture", lc, new Rng(1)) instanceof GptLecture);
        String json = new ObjectMapper().writeValueAsString(cfg);
        assertEquals(cfg, ModelType.configFromJson("gpt", json));
    }
}
