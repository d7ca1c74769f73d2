// The arena that lets training steps reuse each other's arrays: reuse and zeroing, nothing reused outside a step,
// training with it bit-identical to training without it, and a steady-state step that needs no new arrays.
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.models.Gpt;
import dev.nanolm.models.GptConfig;
import dev.nanolm.models.GptLecture;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.AdamW;
import dev.nanolm.optim.GradClip;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ArenaStepTest {

    @Test
    void stepsGetTheSameArraysZeroedAndOutsideAStepNothingIsReused() {
        Arena arena = new Arena();
        float[] a1, b1;
        try (var s = arena.step()) {
            a1 = Tensor.zeros(3, 5).data;
            b1 = Tensor.zeros(7).data;
            a1[4] = 2f;
            b1[6] = 3f;
            assertTrue(Arena.active());
        }
        assertFalse(Arena.active());
        float[] outside = Tensor.zeros(3, 5).data;
        assertNotSame(a1, outside);
        try (var s = arena.step()) {
            Tensor a2 = Tensor.zeros(3, 5), b2 = Tensor.zeros(7);
            assertSame(a1, a2.data);
            assertSame(b1, b2.data);
            assertEquals(0f, a2.data[4]);
            assertEquals(0f, b2.data[6]);
            // a transient tensor's gradient comes from the arena too, and a third request is new
            a2.grad();
            assertEquals(3, arena.size());
            assertEquals(4L * (15 + 7), arena.reusedBytes());
            assertEquals(4L * 15, arena.freshBytes());
        }
        // a step whose shapes change gets new arrays in the changed slots, not too-short ones
        try (var s = arena.step()) {
            Tensor a3 = Tensor.zeros(4, 5);
            assertEquals(20, a3.data.length);
            assertNotSame(a1, a3.data);
        }
        assertThrows(IllegalStateException.class, () -> {
            try (var s = arena.step(); var t = arena.step()) { fail(); }
        });
        assertFalse(Arena.active());
    }

    @Test
    void releaseLetsGoOfTheArraysAndTheNextStepAllocatesAfresh() {
        Arena arena = new Arena();
        float[] a1;
        try (var s = arena.step()) { a1 = Tensor.zeros(6).data; }
        assertEquals(1, arena.size());
        try (var s = arena.step()) {
            assertThrows(IllegalStateException.class, arena::release); // its arrays are in use
        }
        arena.release();
        assertEquals(0, arena.size());
        try (var s = arena.step()) {
            assertNotSame(a1, Tensor.zeros(6).data);
            assertEquals(4L * 6, arena.freshBytes());
        }
    }

    @Test
    void parametersKeepTheirOwnGradients() {
        Tensor w = Tensor.zeros(4).requiresGrad(true); // made outside a step, as parameters are
        Arena arena = new Arena();
        float[] g;
        try (var s = arena.step()) {
            Tensor y = Ops.mul(w, w);
            Tape.backward(Ops.sum(y));
            g = w.grad();
        }
        try (var s = arena.step()) {
            for (int i = 0; i < 10; i++) assertNotSame(g, Tensor.zeros(4).data);
        }
        assertSame(g, w.grad());
    }

    static final int V = 11, BLOCK = 16, B = 3;

    /** Losses and final parameters of n AdamW steps with dropout, with or without the arena. */
    static float[][] train(Function<Rng, LanguageModel> make, int n, boolean useArena) {
        Rng rng = new Rng(5);
        LanguageModel m = make.apply(rng);
        m.train(true);
        List<Parameter> ps = m.parameters();
        AdamW opt = new AdamW(ps, 3e-3f, 0.9f, 0.99f, 1e-8f, 0.1f);
        Arena arena = new Arena();
        float[] losses = new float[n];
        Rng data = new Rng(9);
        int[] X = new int[B * BLOCK], Y = new int[B * BLOCK];
        for (int i = 0; i < X.length; i++) { X[i] = data.nextInt(V); Y[i] = data.nextInt(V); } // one batch: it overfits
        for (int step = 0; step < n; step++) {
            try (var s = useArena ? arena.step() : null) {
                opt.zeroGrad();
                Tensor loss = Ops.crossEntropy(m.logits(X, B, BLOCK), Y);
                Tape.backward(loss);
                losses[step] = loss.item();
                GradClip.clipGlobalNorm(ps, 1.0);
                opt.step();
            }
        }
        return new float[][] {losses, dev.nanolm.testing.TestTensors.flatValues(ps)};
    }

    @Test
    void trainingWithTheArenaIsBitIdentical() {
        List<Function<Rng, LanguageModel>> models = List.of(
                rng -> new Gpt(new GptConfig(V, BLOCK, 2, 2, 16, 0.1f, true), rng),
                rng -> new GptLecture(new GptConfig(V, BLOCK, 2, 2, 16, 0.1f, true), rng));
        for (Function<Rng, LanguageModel> make : models) {
            float[][] plain = train(make, 6, false), reused = train(make, 6, true);
            assertArrayEquals(plain[0], reused[0], "losses");
            assertArrayEquals(plain[1], reused[1], "parameters after 6 steps");
            assertTrue(plain[0][5] < plain[0][0], "the loss should fall: " + java.util.Arrays.toString(plain[0]));
        }
    }

    @Test
    void aSteadyStateStepNeedsNoNewArrays() {
        // (the heap allocation rate itself depends on the JIT: interpreted Vector API code boxes vectors; GptBench
        // reports it after warm-up)
        Rng rng = new Rng(5);
        Gpt m = new Gpt(new GptConfig(V, 64, 2, 4, 64, 0.1f, false), rng);
        m.train(true);
        AdamW opt = new AdamW(m.parameters(), 1e-3f, 0.9f, 0.99f, 1e-8f, 0.1f);
        Arena arena = new Arena();
        int Bs = 8, T = 64;
        int[] X = new int[Bs * T], Y = new int[Bs * T];
        for (int i = 0; i < X.length; i++) { X[i] = i % V; Y[i] = (i * 7) % V; }
        long firstFresh = 0;
        for (int step = 0; step < 3; step++) {
            try (var s = arena.step()) {
                opt.zeroGrad();
                Tensor loss = Ops.crossEntropy(m.logits(X, Bs, T), Y);
                Tape.backward(loss);
                opt.step();
            }
            if (step == 0) firstFresh = arena.freshBytes();
        }
        // (B,T,C) activations alone are 128 KB each; the first step allocates them all, later steps none
        assertTrue(firstFresh > 4_000_000, "first step: " + firstFresh);
        assertEquals(0, arena.freshBytes(), "a steady step should need no new arrays");
        assertEquals(firstFresh, arena.reusedBytes());
    }
}
