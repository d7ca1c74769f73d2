// nanoGPT's GPT (and the lecture's gpt.py variant) in nanolm and in libtorch, written by hand in torch ops with the
// same weights: same logits, loss and gradient of every parameter, and the same losses over 10 AdamW steps with
// nanoGPT's optimizer settings (weight decay on matrices only, gradient clipping at norm 1).
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GptVsTorchTest {
    static final int V = 13, BLOCK = 8, LAYERS = 2, HEADS = 2, C = 16, B = 4;
    /**
     * float32 on both sides with different summation orders. Measured (JDK 17, vector kernels): logits within 3e-6 of
     * torch's (values of order 1-10), losses within 3e-7, every gradient within 4e-7 (largest gradients ~0.4), so
     * these allowances leave a margin of 10x or more.
     */
    static final double LOGIT_ATOL = 1e-5, LOGIT_RTOL = 1e-4, LOSS_TOL = 1e-5, GRAD_ATOL = 1e-5, GRAD_RTOL = 1e-4;
    /** Measured after 10 AdamW steps: losses within 3e-7 at every step, parameters within 2e-6. */
    static final double STEP_LOSS_TOL = 1e-5, STEP_PARAM_ATOL = 1e-5, STEP_PARAM_RTOL = 1e-4;

    /** The GPT written in torch ops on leaves copied from a nanolm model (keyed by nanolm's parameter names). */
    static final class TorchGpt {
        final NDManager m;
        final GptConfig cfg;
        final boolean lecture;
        final Map<String, NDArray> p = new LinkedHashMap<>();
        final NDArray scale;

        TorchGpt(NDManager m, LanguageModel net, GptConfig cfg) {
            this.m = m;
            this.cfg = cfg;
            this.lecture = net instanceof GptLecture;
            for (Parameter q : net.parameters()) p.put(q.name(), Torch.nd(m, q.value(), true));
            scale = Torch.scalar(m, (float) (1.0 / Math.sqrt(cfg.headSize())));
        }

        NDArray w(String name) {
            NDArray a = p.get(name);
            if (a == null) throw new IllegalArgumentException("no parameter " + name);
            return a;
        }

        /** A bias, or null when the model has none (bias=False). */
        NDArray b(String name) { return p.get(name); }

        /** F.layer_norm(x, (C,), w, b, 1e-5); DJL's layer norm needs a bias tensor, so bias=False passes zeros. */
        NDArray ln(NDArray x, NDArray w, NDArray b, float eps) {
            return TorchRef.layerNorm(x, w, b != null ? b : w.zerosLike(), eps);
        }

        /** (T,T) additive causal mask: 0 on and below the diagonal, -inf above. */
        NDArray mask(int T) {
            float[] d = new float[T * T];
            for (int i = 0; i < T; i++) for (int j = i + 1; j < T; j++) d[i * T + j] = Float.NEGATIVE_INFINITY;
            return m.create(d, new ai.djl.ndarray.types.Shape(T, T));
        }

        /** softmax(q k^T / sqrt(hs) + mask) @ v for q, k, v (..., T, hs). */
        NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
            int r = q.getShape().dimension();
            int[] perm = new int[r];
            for (int i = 0; i < r; i++) perm[i] = i;
            perm[r - 2] = r - 1;
            perm[r - 1] = r - 2;
            return q.matMul(k.transpose(perm)).mul(scale).add(mask).softmax(-1).matMul(v);
        }

        NDArray logits(int[] idx, int nB, int T) {
            int[] pos = new int[T];
            for (int t = 0; t < T; t++) pos[t] = t;
            String wte = lecture ? "token_embedding_table.weight" : "transformer.wte.weight";
            String wpe = lecture ? "position_embedding_table.weight" : "transformer.wpe.weight";
            NDArray x = TorchRef.embedding(w(wte), Torch.indices(m, idx, nB, T))
                    .add(TorchRef.embedding(w(wpe), Torch.indices(m, pos, T)));               // (B,T,C)
            NDArray mask = mask(T);
            for (int i = 0; i < cfg.nLayer(); i++) x = lecture ? lectureBlock(x, i, mask) : block(x, i, mask);
            if (lecture) return TorchRef.linear(ln(x, w("ln_f.weight"), b("ln_f.bias"), 1e-5f),
                    w("lm_head.weight"), b("lm_head.bias"));
            x = ln(x, w("transformer.ln_f.weight"), b("transformer.ln_f.bias"), 1e-5f);
            return TorchRef.linear(x, w("transformer.wte.weight"), null);                     // tied lm_head
        }

        /** nanoGPT's Block with its CausalSelfAttention (c_attn split into q, k, v; heads as a dim) and MLP. */
        NDArray block(NDArray x, int i, NDArray mask) {
            String h = "transformer.h." + i + ".";
            int nB = (int) x.getShape().get(0), T = (int) x.getShape().get(1), nh = cfg.nHead(), hs = cfg.headSize(), c = cfg.nEmbd();
            NDArray a = ln(x, w(h + "ln_1.weight"), b(h + "ln_1.bias"), 1e-5f);
            NDList qkv = TorchRef.linear(a, w(h + "attn.c_attn.weight"), b(h + "attn.c_attn.bias")).split(new long[] {c, 2L * c}, 2);
            NDArray q = qkv.get(0).reshape(nB, T, nh, hs).transpose(0, 2, 1, 3);               // (B,nh,T,hs)
            NDArray k = qkv.get(1).reshape(nB, T, nh, hs).transpose(0, 2, 1, 3);
            NDArray v = qkv.get(2).reshape(nB, T, nh, hs).transpose(0, 2, 1, 3);
            NDArray y = attend(q, k, v, mask).transpose(0, 2, 1, 3).reshape(nB, T, c);        // (B,T,C)
            x = x.add(TorchRef.linear(y, w(h + "attn.c_proj.weight"), b(h + "attn.c_proj.bias")));
            NDArray f = TorchRef.geluTanh(TorchRef.linear(ln(x, w(h + "ln_2.weight"), b(h + "ln_2.bias"), 1e-5f),
                    w(h + "mlp.c_fc.weight"), b(h + "mlp.c_fc.bias")));
            return x.add(TorchRef.linear(f, w(h + "mlp.c_proj.weight"), b(h + "mlp.c_proj.bias")));
        }

        /** gpt.py's Block: each Head with its own key/query/value Linears, torch.cat of the heads, proj; ReLU ffwd. */
        NDArray lectureBlock(NDArray x, int i, NDArray mask) {
            String h = "blocks." + i + ".";
            NDArray a = ln(x, w(h + "ln1.weight"), b(h + "ln1.bias"), 1e-5f);
            NDList heads = new NDList();
            for (int j = 0; j < cfg.nHead(); j++) {
                String hd = h + "sa.heads." + j + ".";
                heads.add(attend(TorchRef.linear(a, w(hd + "query.weight"), null), TorchRef.linear(a, w(hd + "key.weight"), null),
                        TorchRef.linear(a, w(hd + "value.weight"), null), mask));
            }
            x = x.add(TorchRef.linear(NDArrays.concat(heads, -1), w(h + "sa.proj.weight"), b(h + "sa.proj.bias")));
            NDArray f = Activation.relu(TorchRef.linear(ln(x, w(h + "ln2.weight"), b(h + "ln2.bias"), 1e-5f),
                    w(h + "ffwd.net.0.weight"), b(h + "ffwd.net.0.bias")));
            return x.add(TorchRef.linear(f, w(h + "ffwd.net.2.weight"), b(h + "ffwd.net.2.bias")));
        }

        NDArray loss(int[] x, int[] y, int T) {
            return TorchRef.crossEntropy(logits(x, y.length / T, T).reshape(y.length, cfg.vocabSize()), y, -1);
        }

        void zeroGrad() {
            for (NDArray t : p.values()) try (NDArray g = t.getGradient()) { g.subi(g); }
        }

        /** torch.nn.utils.clip_grad_norm_(max_norm=1): scale every gradient by min(1, 1/(norm + 1e-6)). */
        double clipGradNorm(double maxNorm) {
            double sq = 0;
            for (NDArray t : p.values()) try (NDArray g = t.getGradient(); NDArray s = g.mul(g).sum()) { sq += s.getFloat(); }
            double norm = Math.sqrt(sq), coef = Math.min(1.0, maxNorm / (norm + 1e-6));
            for (NDArray t : p.values()) try (NDArray g = t.getGradient()) { g.muli((float) coef); }
            return norm;
        }
    }

    private NDManager m;

    @BeforeEach void open() {
        m = Torch.manager();
        Tape.reset();
    }

    @AfterEach void close() {
        Tape.reset();
        m.close();
    }

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

    static LanguageModel build(boolean lecture, GptConfig cfg, Rng rng) {
        return lecture ? new GptLecture(cfg, rng) : new Gpt(cfg, rng);
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
        int[][] xy = batch(new Rng(3), T);

        Tensor logits = net.logits(xy[0], B, T);
        Tensor loss = Ops.crossEntropy(logits, xy[1]);
        Tape.backward(loss);
        NDArray tlogits, tloss;
        try (GradientCollector gc = Torch.gradients()) {
            tlogits = t.logits(xy[0], B, T);
            tloss = TorchRef.crossEntropy(tlogits.reshape(B * T, V), xy[1], -1);
            gc.backward(tloss);
        }
        String what = (lecture ? "gpt-lecture" : "gpt") + " bias=" + bias + " T=" + T + ": ";
        Torch.assertClose(what + "logits", Torch.tensor(tlogits), logits, LOGIT_ATOL, LOGIT_RTOL);
        assertEquals(tloss.getFloat(), loss.item(), LOSS_TOL, what + "loss");
        assertEquals(cfg.nLayer() * (lecture ? 3 * HEADS + 10 : bias ? 12 : 6) + (lecture ? 6 : bias ? 4 : 3), net.parameters().size());
        for (Parameter q : net.parameters())
            Torch.assertClose(what + "d loss/d " + q.name(), Torch.grad(t.p.get(q.name())), q.value().grad(), GRAD_ATOL, GRAD_RTOL);
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
        TorchRef.AdamW topt = new TorchRef.AdamW(t.p, decay, lr, b1, b2, eps);
        Rng data = new Rng(5);
        float[] ours = new float[10], theirs = new float[10];
        double[] normsOurs = new double[10], normsTheirs = new double[10];
        for (int step = 0; step < 10; step++) {
            int[][] xy = batch(data, BLOCK);
            opt.zeroGrad();
            Tape.reset();
            Tensor loss = Ops.crossEntropy(net.logits(xy[0], B, BLOCK), xy[1]);
            Tape.backward(loss);
            normsOurs[step] = GradClip.clipGlobalNorm(net.parameters(), 1.0);
            opt.step();
            ours[step] = loss.item();

            t.zeroGrad();
            try (GradientCollector gc = Torch.gradients()) {
                NDArray tl = t.loss(xy[0], xy[1], BLOCK);
                gc.backward(tl);
                theirs[step] = tl.getFloat();
            }
            normsTheirs[step] = t.clipGradNorm(1.0);
            topt.step();
        }
        String what = (lecture ? "gpt-lecture" : "gpt") + " bias=" + bias + ": ";
        Torch.assertClose(what + "AdamW losses", theirs, ours, STEP_LOSS_TOL, 0);
        assertTrue(java.util.Arrays.stream(normsOurs).anyMatch(n -> n > 1), what + "clipping should be active in some step");
        for (int i = 0; i < 10; i++) assertEquals(normsTheirs[i], normsOurs[i], 1e-4 * normsTheirs[i] + 1e-6, what + "grad norm " + i);
        for (Parameter q : net.parameters())
            Torch.assertClose(what + "after 10 AdamW steps " + q.name(), Torch.floats(t.p.get(q.name())), q.value().data,
                    STEP_PARAM_ATOL, STEP_PARAM_RTOL);
        assertTrue(ours[9] < ours[0], what + "10 steps should lower the loss: " + ours[0] + " -> " + ours[9]);
    }

    @ParameterizedTest(name = "bias {0}")
    @ValueSource(booleans = {true, false})
    void gptTenAdamWStepsFollowTheSameLosses(boolean bias) { tenAdamWSteps(false, bias); }

    @Test void lectureTenAdamWStepsFollowTheSameLosses() { tenAdamWSteps(true, true); }
}
