// nanoGPT's GPT (and the lecture's gpt.py variant) in nanolm and in libtorch, written by hand in torch ops with the
// same weights (TorchGpt): same logits, loss and gradient of every parameter, and the same losses over 10 AdamW steps
// with nanoGPT's optimizer settings (weight decay on matrices only, gradient clipping at norm 1).
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.models.Gpt;
import dev.nanolm.models.GptConfig;
import dev.nanolm.models.GptLecture;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.nn.Init;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.AdamW;
import dev.nanolm.optim.GradClip;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GptVsTorchTest extends PeerTest {
    static final int V = 13, BLOCK = 8, LAYERS = 2, HEADS = 2, C = 16, B = 4;
    /**
     * float32 on both sides with different summation orders. Measured (JDK 17, vector kernels): logits within 3e-6 of
     * torch's (values of order 1-10), losses within 3e-7, every gradient within 4e-7 (largest gradients ~0.4), so
     * these allowances leave a margin of 10x or more.
     */
    static final double LOGIT_ATOL = 1e-5, LOGIT_RTOL = 1e-4, LOSS_TOL = 1e-5, GRAD_ATOL = 1e-5, GRAD_RTOL = 1e-4;
    /** Measured after 10 AdamW steps: losses within 3e-7 at every step, parameters within 2e-6. */
    static final double STEP_LOSS_TOL = 1e-5, STEP_PARAM_ATOL = 1e-5, STEP_PARAM_RTOL = 1e-4;


    /** Batches from a noisy repeating sequence, so that there is something to learn: {x, y}, each (B*T). */
    static int[][] batch(Rng rng, int T) {
        int[] x = new int[B * T], y = new int[B * T];
        for (int b = 0; b < B; b++) {
            int start = rng.nextInt(V);
            for (int t = 0; t <= T; t++) {
                int tok = rng.nextFloat() < 0.8f ? (start + 3 * t) % V : rng.nextInt(V);
                if (t < T) x[b * T + t] = tok;
                if (t > 0) y[b * T + t - 1] = tok;
            }
        }
        return new int[][] {x, y};
    }

    /** Builds the lecture's model as in the video (lectureAsInTheVideoMatches) instead of the published gpt.py. */
    private boolean video;

    LanguageModel build(boolean lecture, GptConfig cfg, Rng rng) {
        if (!lecture) return new Gpt(cfg, rng);
        return new GptLecture(cfg, rng, video ? GptLecture.Variant.VIDEO : GptLecture.Variant.FINAL);
    }

    /**
     * Logits, loss and every parameter gradient for one batch. Weights are moved away from the 0.02-std init (which
     * makes attention nearly uniform) so that the scale, the mask and each head's weights all matter.
     */
    void compareForwardAndGradients(boolean lecture, boolean bias, int T) {
        GptConfig cfg = new GptConfig(V, BLOCK, LAYERS, HEADS, C, 0f, bias);
        LanguageModel net = build(lecture, cfg, new Rng(1));
        Rng r = new Rng(2);
        for (Parameter q : net.parameters())
            if (q.rank() == 2) Init.normal(q.value(), 0, 0.3, r);
            else Init.normal(q.value(), q.name().endsWith(".bias") ? 0 : 1, 0.2, r);
        TorchGpt t = new TorchGpt(m, net, cfg);
        assertSameForwardAndGradients(net.type() + " bias=" + bias + " T=" + T + ": ", net, t, batch(new Rng(3), T), B, T);
        assertEquals(cfg.nLayer() * (lecture ? 3 * HEADS + 10 : bias ? 12 : 6) + (lecture ? 6 : bias ? 4 : 3), net.parameters().size());
    }

    /**
     * One forward and backward of batch xy = {x, y} (targets -1 ignored) on both sides: logits, loss and the gradient
     * of every parameter of net must agree with t's within the tolerances above.
     */
    static void assertSameForwardAndGradients(String what, LanguageModel net, TorchGpt t, int[][] xy, int nB, int T) {
        Tensor logits = net.logits(xy[0], nB, T);
        Tensor loss = Ops.crossEntropy(logits, xy[1]);
        Tape.backward(loss);
        NDArray tlogits, tloss;
        try (GradientCollector gc = Torch.gradients()) {
            tlogits = t.logits(xy[0], nB, T);
            tloss = TorchRef.crossEntropy(tlogits.reshape(nB * T, net.vocabSize()), xy[1], -1);
            gc.backward(tloss);
        }
        TorchAssert.assertClose(what + "logits", Torch.tensor(tlogits), logits, LOGIT_ATOL, LOGIT_RTOL);
        assertEquals(tloss.getFloat(), loss.item(), LOSS_TOL, what + "loss");
        for (Parameter q : net.parameters())
            TorchAssert.assertClose(what + "d loss/d " + q.name(), Torch.grad(t.params().get(q.name())), q.value().grad(), GRAD_ATOL, GRAD_RTOL);
    }

    @ParameterizedTest(name = "bias {0}")
    @ValueSource(booleans = {true, false})
    void gptLogitsLossAndEveryGradientMatch(boolean bias) {
        compareForwardAndGradients(false, bias, BLOCK);
        compareForwardAndGradients(false, bias, BLOCK - 3); // shorter than the block: position embeddings and mask cropped
    }

    @Test void lectureLogitsLossAndEveryGradientMatch() {
        compareForwardAndGradients(true, true, BLOCK);
    }

    /** The video's run: scores scaled by n_embd^-0.5 (torch side: explicitly, per head) instead of head_size^-0.5. */
    @Test void lectureAsInTheVideoMatches() {
        video = true;
        try {
            compareForwardAndGradients(true, true, BLOCK);
        } finally {
            video = false;
        }
    }

    /**
     * 10 steps of nanoGPT's optimizer on both: AdamW lr 1e-3, betas (0.9, 0.99), eps 1e-8, weight decay 0.1 on
     * parameters of rank >= 2 only, gradients clipped to global norm 1, from nanoGPT's init.
     */
    void tenAdamWSteps(boolean lecture, boolean bias) {
        float lr = 1e-3f, b1 = 0.9f, b2 = 0.99f, eps = 1e-8f, wd = 0.1f;
        GptConfig cfg = new GptConfig(V, BLOCK, LAYERS, HEADS, C, 0f, bias);
        LanguageModel net = build(lecture, cfg, new Rng(4));
        TorchGpt t = new TorchGpt(m, net, cfg);
        AdamW opt = new AdamW(net.parameters(), lr, b1, b2, eps, wd);
        Map<String, Float> decay = new LinkedHashMap<>();
        for (Parameter q : net.parameters()) decay.put(q.name(), q.rank() >= 2 ? wd : 0f);
        TorchRef.AdamW topt = new TorchRef.AdamW(t.params(), decay, lr, b1, b2, eps);
        Rng data = new Rng(5);
        float[] ours = new float[10], theirs = new float[10];
        double[] normsOurs = new double[10], normsTheirs = new double[10];
        int[] arrays = new int[10];
        for (int step = 0; step < 10; step++) {
            int[][] xy = batch(data, BLOCK);
            opt.zeroGrad();
            Tape.reset();
            Tensor loss = Ops.crossEntropy(net.logits(xy[0], B, BLOCK), xy[1]);
            Tape.backward(loss);
            normsOurs[step] = GradClip.clipGlobalNorm(net.parameters(), 1.0);
            opt.step();
            ours[step] = loss.item();

            // in a scope, as the benches run it: the step's arrays are freed at its end, the gradients stay
            theirs[step] = t.lossBackward(xy[0], xy[1], BLOCK);
            for (NDArray a : t.params().values()) assertSame(m, a.getManager(), "parameters return to their manager");
            normsTheirs[step] = t.clipGradNorm(1.0);
            topt.step();
            arrays[step] = m.getManagedArrays().size();
        }
        String what = (lecture ? "gpt-lecture" : "gpt") + " bias=" + bias + ": ";
        TorchAssert.assertClose(what + "AdamW losses", theirs, ours, STEP_LOSS_TOL, 0);
        assertTrue(java.util.Arrays.stream(normsOurs).anyMatch(n -> n > 1), what + "clipping should be active in some step");
        for (int i = 0; i < 10; i++) assertEquals(normsTheirs[i], normsOurs[i], 1e-4 * normsTheirs[i] + 1e-6, what + "grad norm " + i);
        for (Parameter q : net.parameters())
            TorchAssert.assertClose(what + "after 10 AdamW steps " + q.name(), Torch.floats(t.params().get(q.name())), q.value().data,
                    STEP_PARAM_ATOL, STEP_PARAM_RTOL);
        assertTrue(ours[9] < ours[0], what + "10 steps should lower the loss: " + ours[0] + " -> " + ours[9]);
        // steps leave nothing behind (GptBench runs thousands): the scope, clipping and AdamW free their arrays
        assertEquals(arrays[0], arrays[9], what + "arrays held by the manager after step 1 and after step 10");
    }

    @ParameterizedTest(name = "bias {0}")
    @ValueSource(booleans = {true, false})
    void gptTenAdamWStepsFollowTheSameLosses(boolean bias) { tenAdamWSteps(false, bias); }

    @Test void lectureTenAdamWStepsFollowTheSameLosses() { tenAdamWSteps(true, true); }

    /** Dropout (nanoGPT's sites) acts in training mode only: eval logits equal nanolm's, training ones vary per call. */
    @Test void dropoutOnlyInTrainingMode() {
        GptConfig cfg = new GptConfig(V, BLOCK, LAYERS, HEADS, C, 0.5f, true);
        Gpt net = new Gpt(cfg, new Rng(6));
        TorchGpt t = new TorchGpt(m, net, cfg);
        int[] x = batch(new Rng(7), BLOCK)[0];
        net.train(false);
        Tensor ours = net.logits(x, B, BLOCK);
        float[] eval = Torch.floats(t.logits(x, B, BLOCK));
        TorchAssert.assertClose("eval-mode logits", eval, ours.data, LOGIT_ATOL, LOGIT_RTOL);
        t.train(true);
        float[] a = Torch.floats(t.logits(x, B, BLOCK)), b = Torch.floats(t.logits(x, B, BLOCK));
        assertFalse(java.util.Arrays.equals(a, eval), "training mode should drop activations");
        assertFalse(java.util.Arrays.equals(a, b), "each training-mode forward draws a new dropout mask");
        t.train(false);
        TorchAssert.assertClose("eval mode again", eval, Torch.floats(t.logits(x, B, BLOCK)), 0, 0);
    }
}
