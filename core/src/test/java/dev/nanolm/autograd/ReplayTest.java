// A recorded training step replayed on new batches must be exactly the eager step: same losses and parameters bit
// for bit (dropout masks, refilled index buffers, ignored targets, gradient accumulation), and a step with an op
// that cannot replay must say so instead of replaying wrongly.
package dev.nanolm.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.models.BagOfWords;
import dev.nanolm.models.Gpt;
import dev.nanolm.models.GptConfig;
import dev.nanolm.models.GptLecture;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.models.Mlp;
import dev.nanolm.models.MlpBn;
import dev.nanolm.models.ModelConfig;
import dev.nanolm.models.RecurrentLm;
import dev.nanolm.models.SeqConfig;
import dev.nanolm.models.WaveNet;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.AdamW;
import dev.nanolm.optim.GradClip;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.TestTensors;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayTest {
    /** Recording needs an empty tape; tests that ran before on this thread may have left forward-only ops on it. */
    @BeforeEach
    void emptyTape() { Tape.reset(); }
    static final int V = 13, BLOCK = 12, B = 3, ACCUM = 2;

    /** Losses of every micro-step, then all parameters, after n steps; replay: record the first micro-step, replay the rest. */
    static float[][] train(Function<Rng, LanguageModel> make, int n, boolean replay, boolean ignoreSome) {
        return train(make, n, replay, ignoreSome, BLOCK, BLOCK);
    }

    /** ... for a model reading T tokens per row and predicting ty of them (T for a GPT, 1 for a window model). */
    static float[][] train(Function<Rng, LanguageModel> make, int n, boolean replay, boolean ignoreSome, int T, int ty) {
        Rng rng = new Rng(11);
        LanguageModel m = make.apply(rng);
        m.train(true);
        assertTrue(m.replayable());
        List<Parameter> ps = m.parameters();
        AdamW opt = new AdamW(ps, 1e-2f, 0.9f, 0.99f, 1e-8f, 0.1f);
        Arena arena = new Arena();
        Rng data = new Rng(7);
        int[] X = new int[B * T], Y = new int[B * ty]; // refilled in place, as the trainer does
        float[] losses = new float[n * ACCUM];
        Replay r = null;
        int recorded = 0;
        for (int step = 0; step < n; step++) {
            try (var s = r == null ? arena.step() : null) {
                opt.zeroGrad();
                for (int micro = 0; micro < ACCUM; micro++) {
                    for (int i = 0; i < X.length; i++) X[i] = data.nextInt(V);
                    for (int i = 0; i < Y.length; i++) { // learnable: the id after the last one read
                        int last = ty == T ? X[i] : X[(i + 1) * T - 1];
                        // makemore's padding: a varying number of targets ignored (-1)
                        Y[i] = ignoreSome && data.nextInt(4) == 0 ? -1 : (last + 1) % V;
                    }
                    Tensor loss;
                    if (r != null) loss = r.run();
                    else {
                        boolean record = replay && micro == 0;
                        if (record) Tape.startRecording();
                        loss = Ops.mulScalar(Ops.crossEntropy(m.logits(X, B, T), Y), 1f / ACCUM);
                        Tape.backward(loss);
                        if (record) {
                            r = Tape.finishRecording(loss, arena.stepArrays());
                            assertNotNull(r, "every op of the GPT step can replay");
                            recorded++;
                        }
                    }
                    losses[step * ACCUM + micro] = loss.item();
                }
                GradClip.clipGlobalNorm(ps, 1.0);
                opt.step();
            }
            if (step == n / 2) { arena.release(); r = null; } // as after an evaluation: the next step records again
        }
        if (replay) assertEquals(2, recorded);
        assertEquals(0, Tape.size(), "nothing left on the tape");
        // and BatchNorm's running statistics, which the forward updates
        return new float[][] {losses, TestTensors.flatValues(ps), TestTensors.flat(m.buffers().values())};
    }

    @Test
    void replayedStepsAreTheEagerStepsBitForBit() {
        List<Function<Rng, LanguageModel>> models = List.of(
                rng -> new Gpt(new GptConfig(V, BLOCK, 2, 2, 16, 0.1f, true), rng),         // dropout, biases, tied head
                rng -> new Gpt(new GptConfig(V, BLOCK, 2, 2, 16, 0.0f, false), rng, true),   // makemore's transformer
                rng -> new GptLecture(new GptConfig(V, BLOCK, 2, 2, 16, 0.1f, true), rng),   // the lecture's gpt.py
                rng -> new GptLecture(new GptConfig(V, BLOCK, 2, 2, 16, 0.1f, true), rng, GptLecture.Variant.VIDEO));
        for (boolean ignoreSome : new boolean[] {false, true}) {
            for (Function<Rng, LanguageModel> make : models) {
                float[][] eager = train(make, 10, false, ignoreSome), replayed = train(make, 10, true, ignoreSome);
                assertArrayEquals(eager[0], replayed[0], "losses");
                assertArrayEquals(eager[1], replayed[1], "parameters after 10 steps");
                float first = eager[0][0] + eager[0][1], last = eager[0][18] + eager[0][19];
                assertTrue(last < first, "the loss should fall: " + java.util.Arrays.toString(eager[0]));
                // the batches differ from micro-step to micro-step, so equal losses would mean a stale replay
                assertNotEquals(eager[0][2], eager[0][3]);
            }
        }
    }

    @Test
    void replayedWindowModelStepsAreTheEagerStepsBitForBit() {
        int T = 8; // WaveNet fuses pairs: a power of two
        List<Function<Rng, LanguageModel>> models = List.of(
                rng -> new Mlp(new ModelConfig("mlp", V, T, 4, 24, "kaiming"), rng),
                rng -> new MlpBn(new ModelConfig("mlp-bn", V, T, 4, 24, "kaiming", 0.01f, true), rng), // running stats too
                rng -> new WaveNet(new ModelConfig("wavenet", V, T, 4, 24, "kaiming", 0.01f, false), rng));
        for (Function<Rng, LanguageModel> make : models) {
            float[][] eager = train(make, 10, false, false, T, 1), replayed = train(make, 10, true, false, T, 1);
            assertArrayEquals(eager[0], replayed[0], "losses");
            assertArrayEquals(eager[1], replayed[1], "parameters after 10 steps");
            assertArrayEquals(eager[2], replayed[2], "running statistics after 10 steps");
            assertNotEquals(eager[0][2], eager[0][3]);
            assertTrue(eager[0][18] + eager[0][19] < eager[0][0] + eager[0][1], "the loss should fall: " + java.util.Arrays.toString(eager[0]));
        }
    }

    @Test
    void replayedSequenceModelStepsAreTheEagerStepsBitForBit() {
        // makemore.py's rnn, gru and lstm (a learned start state, two layers with dropout between; the GRU's fused
        // layer op repacks W_hh into the same buffers), the text GRU-LM (zero start) and bow
        List<Function<Rng, LanguageModel>> models = List.of(
                rng -> new RecurrentLm(new SeqConfig("rnn", V, BLOCK, 6, 10, 2, 0.1f), rng),
                rng -> new RecurrentLm(new SeqConfig("gru", V, BLOCK, 6, 10, 2, 0.1f), rng),
                rng -> new RecurrentLm(new SeqConfig("gru-lm", V, BLOCK, 6, 10, 1, 0f), rng),
                rng -> new RecurrentLm(new SeqConfig("lstm", V, BLOCK, 6, 10, 2, 0.1f), rng),
                rng -> new BagOfWords(new SeqConfig("bow", V, BLOCK, 8, 12, 1, 0f), rng));
        for (Function<Rng, LanguageModel> make : models) {
            float[][] eager = train(make, 10, false, true), replayed = train(make, 10, true, true);
            assertArrayEquals(eager[0], replayed[0], "losses");
            assertArrayEquals(eager[1], replayed[1], "parameters after 10 steps");
            assertNotEquals(eager[0][2], eager[0][3]);
        }
    }

    @Test
    void aStepWithAnOpThatCannotReplayIsNotReplayed() {
        Tensor w = Tensor.of(new float[] {0.5f, -1f, 2f}, 3).requiresGrad(true);
        Arena arena = new Arena();
        try (var s = arena.step()) {
            Tape.startRecording();
            Tensor loss = Ops.sum(Ops.mul(Ops.tanh(w), w)); // tanh and sum keep no forward closure
            Tape.backward(loss);
            assertNull(Tape.finishRecording(loss, arena.stepArrays()));
        }
        assertEquals(0, Tape.size());
        // and the tape is usable afterwards
        Tape.backward(Ops.sum(Ops.mul(w, w)));
        assertTrue(w.hasGrad());
    }

    @Test
    void recordingTwiceOutsideAnArenaStepOrFinishingWithoutStartingIsAnError() {
        assertThrows(IllegalStateException.class, Tape::startRecording, "a replay zeroes the arena's arrays: needs a step");
        try (var s = new Arena().step()) {
            Tape.startRecording();
            assertThrows(IllegalStateException.class, Tape::startRecording);
            Tape.reset();
        }
        assertThrows(IllegalStateException.class, () -> Tape.finishRecording(Tensor.scalar(0f), List.of()));
    }
}
