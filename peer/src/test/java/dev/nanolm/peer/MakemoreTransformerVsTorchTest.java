// makemore.py's Transformer (the "transformer" type: nanoGPT's blocks with biases, an untied lm_head, PyTorch's
// default init) on padded line items, in nanolm and in libtorch (TorchGpt) with the same weights: same logits, same
// loss with the padding ignored, same gradients, and the same losses over 10 steps of makemore's AdamW.
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.data.LineSeqData;
import dev.nanolm.models.Gpt;
import dev.nanolm.models.GptConfig;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.AdamW;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MakemoreTransformerVsTorchTest extends PeerTest {
    static final int V = 27, T = 9, LAYERS = 2, HEADS = 4, C = 32, B = 6;


    /**
     * B items laid out as makemore's CharDataset (and LineSeqData): x = 0 c1 .. cn 0 0 .., y = c1 .. cn 0 -1 -1 ..
     * Items of 1 to T-1 letters, each from a simple pattern with noise, so that there is something to learn.
     */
    static int[][] items(Rng rng) {
        int[] x = new int[B * T], y = new int[B * T];
        java.util.Arrays.fill(y, LineSeqData.IGNORE);
        for (int b = 0; b < B; b++) {
            int n = 1 + rng.nextInt(T - 1), start = 1 + rng.nextInt(V - 1);
            for (int i = 0; i < n; i++) {
                int c = rng.nextFloat() < 0.8f ? 1 + (start + 2 * i) % (V - 1) : 1 + rng.nextInt(V - 1);
                x[b * T + i + 1] = c;
                y[b * T + i] = c;
            }
            y[b * T + n] = 0;
        }
        return new int[][] {x, y};
    }

    @Test
    void logitsLossAndEveryGradientMatchWithPaddingIgnored() {
        GptConfig cfg = new GptConfig(V, T, LAYERS, HEADS, C, 0f, true);
        Gpt net = new Gpt(cfg, new Rng(11), true);
        assertEquals("transformer", net.type());
        TorchGpt t = new TorchGpt(m, net, cfg);
        assertTrue(t.params().containsKey("lm_head.weight"), "makemore's lm_head is its own parameter");
        int[][] xy = items(new Rng(12));
        assertTrue(java.util.Arrays.stream(xy[1]).anyMatch(v -> v == LineSeqData.IGNORE), "the batch must hold padding");

        GptVsTorchTest.assertSameForwardAndGradients("transformer, padding ignored: ", net, t, xy, B, T);
        // 12 tensors per block with biases, wte, wpe, ln_f weight and bias, and the untied lm_head
        assertEquals(LAYERS * 12 + 5, net.parameters().size());
    }

    /** makemore.py's optimizer: torch.optim.AdamW(lr 5e-4, betas (0.9, 0.99), eps 1e-8, weight_decay 0.01 on every parameter), no clipping. */
    @Test
    void tenStepsOfMakemoresAdamWFollowTheSameLosses() {
        float lr = 5e-4f, b1 = 0.9f, b2 = 0.99f, eps = 1e-8f, wd = 0.01f;
        GptConfig cfg = new GptConfig(V, T, LAYERS, HEADS, C, 0f, true);
        Gpt net = new Gpt(cfg, new Rng(13), true);
        TorchGpt t = new TorchGpt(m, net, cfg);
        AdamW opt = new AdamW(net.parameters(), lr, b1, b2, eps, wd, p -> true);
        Map<String, Float> decay = new LinkedHashMap<>();
        for (Parameter q : net.parameters()) decay.put(q.name(), wd);
        TorchRef.AdamW topt = new TorchRef.AdamW(t.params(), decay, lr, b1, b2, eps);
        Map<String, float[]> initial = new LinkedHashMap<>();
        for (Parameter q : net.parameters()) initial.put(q.name(), q.value().data.clone());
        Rng data = new Rng(14);
        float[] ours = new float[10], theirs = new float[10];
        for (int step = 0; step < 10; step++) {
            int[][] xy = items(data);
            opt.zeroGrad();
            Tape.reset();
            Tensor loss = Ops.crossEntropy(net.logits(xy[0], B, T), xy[1]);
            Tape.backward(loss);
            opt.step();
            ours[step] = loss.item();

            theirs[step] = t.lossBackward(xy[0], xy[1], T);
            topt.step();
        }
        TorchAssert.assertClose("AdamW losses", theirs, ours, 1e-5, 0);
        for (Parameter q : net.parameters()) {
            float[] theirsP = Torch.floats(t.params().get(q.name())), oursP = q.value().data;
            if (q.name().endsWith("attn.c_attn.bias")) {
                // The key bias adds one constant to a whole row of scores, which softmax ignores: its true gradient
                // is 0 and both sides compute rounding noise (~1e-9), which Adam divides by its own root mean
                // square, so each side moves it by noise of up to lr per step. Compare q and v biases exactly and
                // bound the key bias by that drift.
                float[] start = initial.get(q.name());
                for (int i = C; i < 2 * C; i++) {
                    assertEquals(start[i], theirsP[i], 10 * lr * (1 + wd) + 1e-6, "key bias moves only by noise (torch)");
                    assertEquals(start[i], oursP[i], 10 * lr * (1 + wd) + 1e-6, "key bias moves only by noise (nanolm)");
                    theirsP[i] = oursP[i];
                }
            }
            TorchAssert.assertClose("after 10 steps " + q.name(), theirsP, oursP, 1e-5, 1e-4);
        }
        assertTrue(ours[9] < ours[0], "10 steps should lower the loss: " + ours[0] + " -> " + ours[9]);
    }
}
