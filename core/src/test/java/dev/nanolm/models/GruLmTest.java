// gru-lm (GRU language model on text windows, zero start state): parameter count, gradients against finite
// differences, the token-by-token decoder against the full forward at every position, dropout between layers.
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GruLmTest {
    static final int V = 11, BLOCK = 9, E = 6, H = 5, L = 2;

    @AfterEach void clearTape() { Tape.reset(); }

    static LanguageModel model(float dropout, long seed) {
        return ModelType.create("gru-lm", new SeqConfig("gru-lm", V, BLOCK, E, H, L, dropout), new Rng(seed));
    }

    @Test void hasNoStartStateAndReadsText() {
        LanguageModel m = model(0f, 1);
        int rnn = 3 * H * (E + H + 2) + 3 * H * (H + H + 2); // two layers: w_ih, w_hh, b_ih, b_hh
        assertEquals(V * E + rnn + H * V + V, m.numParams());
        assertTrue(m.parameters().stream().map(Parameter::name).noneMatch(n -> n.startsWith("start")));
        assertEquals(ModelType.Data.TEXT, ModelType.kind("gru-lm").data());
        assertEquals("gru-lm", m.type());
        assertThrows(ConfigException.class, () -> new SeqConfig("gru-lm", V, BLOCK, E, H, 1, 0.2f)); // no layer to drop between
    }

    @Test void gradientsMatchFiniteDifferences() {
        LanguageModel m = model(0f, 2);
        int[] X = TestTensors.ints(new Rng(3), 2 * 6, V);
        GradCheck.assertGradients("gru-lm", in -> m.logits(X, 2, 6), param(m, "wte.weight"), param(m, "rnn.weight_ih_l0"),
                param(m, "rnn.weight_hh_l1"), param(m, "rnn.bias_hh_l0"), param(m, "lm_head.weight"), param(m, "lm_head.bias"));
    }

    @Test void decoderLogitsEqualTheFullForwardAtEveryPosition() {
        for (String type : new String[] {"gru-lm", "gru"}) {
            LanguageModel m = ModelType.create(type, new SeqConfig(type, V, BLOCK, E, H, L, 0f), new Rng(4));
            if (type.equals("gru")) { // a learned start state that is not zero, so the decoder must start from it
                Tensor start = param(m, "start");
                for (int i = 0; i < start.data.length; i++) start.data[i] = 0.3f * (i % 4) - 0.4f;
            }
            m.eval();
            int[] X = TestTensors.ints(new Rng(5), BLOCK, V);
            Tensor full = m.logits(X, 1, BLOCK); // (1,T,V)
            LanguageModel.Decoder dec = m.decoder();
            assertNotNull(dec, type);
            for (int round = 0; round < 2; round++) { // a reset starts over from the start state
                dec.reset();
                for (int t = 0; t < BLOCK; t++) {
                    float[] step = dec.next(X[t]);
                    TestTensors.assertClose(type + " position " + t, Arrays.copyOfRange(full.data, t * V, (t + 1) * V), step, 1e-5);
                }
                assertEquals(BLOCK, dec.position());
            }
            assertThrows(IllegalStateException.class, () -> dec.next(0)); // the block is full
            dec.rewind();
            assertThrows(IllegalArgumentException.class, () -> dec.next(V));
        }
        assertNull(ModelType.create("lstm", new SeqConfig("lstm", V, BLOCK, E, H, 1, 0f), new Rng(1)).decoder());
    }

    @Test void dropoutActsBetweenLayersOnlyInTraining() {
        LanguageModel m = model(0.5f, 6);
        int[] X = TestTensors.ints(new Rng(7), 2 * BLOCK, V);
        m.train(true);
        Tensor a = m.logits(X, 2, BLOCK), b = m.logits(X, 2, BLOCK);
        assertFalse(Arrays.equals(a.data, b.data), "two training forwards draw different masks");
        m.eval();
        Tensor c = m.logits(X, 2, BLOCK), d = m.logits(X, 2, BLOCK);
        assertArrayEquals(c.data, d.data);
    }
}
