// nanoGPT's GPT (and the lecture's gpt.py variant, and makemore.py's untied Transformer) written by hand in libtorch ops on leaves copied from a nanolm
// model, keyed by nanolm's parameter names: the reference of the peer tests and the libtorch side of bench's GptBench.
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.nanolm.models.GptConfig;
import dev.nanolm.models.GptLecture;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.nn.Parameter;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forward with nanoGPT's dropout sites (embeddings, attention weights, attention and MLP outputs) when training and
 * dropout > 0, loss, gradient clipping; the optimizer is {@link TorchRef.AdamW} over {@link #params()}. Gradients are
 * recorded inside a {@link Torch#gradients()} collector. Arrays made by a forward pass belong to the parameters'
 * current manager: wrap each step in {@link #scope()} to free them when it closes.
 */
public final class TorchGpt {
    private final NDManager m;
    private final GptConfig cfg;
    private final boolean lecture;
    private final Map<String, NDArray> p = new LinkedHashMap<>();
    private final NDArray scale;
    private final Map<Integer, NDArray> masks = new HashMap<>();
    private boolean training;

    /** Copies net's parameters (a Gpt or GptLecture built with cfg) into leaves of m that record gradients. */
    public TorchGpt(NDManager m, LanguageModel net, GptConfig cfg) {
        this.m = m;
        this.cfg = cfg;
        this.lecture = net instanceof GptLecture;
        for (Parameter q : net.parameters()) p.put(q.name(), Torch.nd(m, q.value(), true));
        // the video's run of gpt.py scaled the scores by C**-0.5 with C = n_embd; everything else by head_size^-0.5
        boolean video = net instanceof GptLecture g && g.type().equals(GptLecture.Variant.VIDEO.type);
        scale = Torch.scalar(m, (float) (1.0 / Math.sqrt(video ? cfg.nEmbd() : cfg.headSize())));
    }

    /** The leaves by nanolm's parameter names (the tied lm_head of the GPT appears once, as transformer.wte.weight). */
    public Map<String, NDArray> params() { return Collections.unmodifiableMap(p); }

    /** Training mode applies dropout (cfg.dropout()); eval mode, the default, does not. */
    public void train(boolean on) { training = on; }

    /**
     * A sub-manager that owns every array made until it is closed (activations, autograd's saved tensors, inputs);
     * the parameters are attached to it meanwhile and return to their manager, with their gradients, at close.
     */
    public NDManager scope() {
        NDManager s = m.newSubManager();
        for (NDArray a : p.values()) a.tempAttach(s);
        return s;
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

    /** F.dropout(x, p, training): identity in eval mode or with p = 0. */
    NDArray dropout(NDArray x) {
        if (!training || cfg.dropout() == 0) return x;
        return JniUtils.dropout((PtNDArray) x, cfg.dropout(), true);
    }

    /** (T,T) additive causal mask: 0 on and below the diagonal, -inf above; made once per T, kept in m. */
    NDArray mask(int T) {
        return masks.computeIfAbsent(T, n -> {
            float[] d = new float[n * n];
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) d[i * n + j] = Float.NEGATIVE_INFINITY;
            return m.create(d, new Shape(n, n));
        });
    }

    /** softmax(q k^T / sqrt(hs) + mask) (with dropout) @ v for q, k, v (..., T, hs). */
    NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        int r = q.getShape().dimension();
        int[] perm = new int[r];
        for (int i = 0; i < r; i++) perm[i] = i;
        perm[r - 2] = r - 1;
        perm[r - 1] = r - 2;
        return dropout(q.matMul(k.transpose(perm)).mul(scale).add(mask).softmax(-1)).matMul(v);
    }

    /** idx (B,T) token ids, T <= blockSize -> logits (B,T,V). */
    public NDArray logits(int[] idx, int nB, int T) {
        if (T > cfg.blockSize() || idx.length != nB * T)
            throw new IllegalArgumentException("need B*T = " + nB + "*" + T + " ids with T <= " + cfg.blockSize() + ", got " + idx.length);
        String wte = lecture ? "token_embedding_table.weight" : "transformer.wte.weight";
        String wpe = lecture ? "position_embedding_table.weight" : "transformer.wpe.weight";
        // made in the parameters' current manager (the open scope, if any): embedding's output belongs to its
        // index array's manager, so cached positions would leave one (T,C) array per step in m
        NDManager cur = w(wte).getManager();
        int[] d = new int[T];
        for (int t = 0; t < T; t++) d[t] = t;
        NDArray pos = Torch.indices(cur, d, T);
        NDArray x = TorchRef.embedding(w(wte), Torch.indices(cur, idx, nB, T)).add(TorchRef.embedding(w(wpe), pos)); // (B,T,C)
        if (!lecture) x = dropout(x);
        NDArray mask = mask(T);
        for (int i = 0; i < cfg.nLayer(); i++) x = lecture ? lectureBlock(x, i, mask) : block(x, i, mask);
        if (lecture) return TorchRef.linear(ln(x, w("ln_f.weight"), b("ln_f.bias"), 1e-5f),
                w("lm_head.weight"), b("lm_head.bias"));
        x = ln(x, w("transformer.ln_f.weight"), b("transformer.ln_f.bias"), 1e-5f);
        // tied lm_head (nanoGPT), or makemore's Transformer's own lm_head.weight
        return TorchRef.linear(x, p.containsKey("lm_head.weight") ? w("lm_head.weight") : w("transformer.wte.weight"), null);
    }

    /** nanoGPT's Block with its CausalSelfAttention (c_attn split into q, k, v; heads as a dim) and MLP. */
    NDArray block(NDArray x, int i, NDArray mask) {
        String h = "transformer.h." + i + ".";
        int nB = (int) x.getShape().get(0), T = (int) x.getShape().get(1), nh = cfg.nHead(), hs = cfg.headSize(), c = cfg.nEmbd();
        NDArray a = ln(x, w(h + "ln_1.weight"), b(h + "ln_1.bias"), 1e-5f);
        NDList qkv = TorchRef.linear(a, w(h + "attn.c_attn.weight"), b(h + "attn.c_attn.bias")).split(new long[] {c, 2L * c}, 2);
        NDArray q = qkv.get(0).reshape(nB, T, nh, hs).transpose(0, 2, 1, 3);                 // (B,nh,T,hs)
        NDArray k = qkv.get(1).reshape(nB, T, nh, hs).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(2).reshape(nB, T, nh, hs).transpose(0, 2, 1, 3);
        NDArray y = attend(q, k, v, mask).transpose(0, 2, 1, 3).reshape(nB, T, c);          // (B,T,C)
        x = x.add(dropout(TorchRef.linear(y, w(h + "attn.c_proj.weight"), b(h + "attn.c_proj.bias"))));
        NDArray fc = TorchRef.linear(ln(x, w(h + "ln_2.weight"), b(h + "ln_2.bias"), 1e-5f), w(h + "mlp.c_fc.weight"), b(h + "mlp.c_fc.bias"));
        NDArray f = EXACT_GELU ? ai.djl.nn.Activation.gelu(fc) : TorchRef.geluTanh(fc);
        return x.add(dropout(TorchRef.linear(f, w(h + "mlp.c_proj.weight"), b(h + "mlp.c_proj.bias"))));
    }

    /**
     * -Dnanolm.peer.gelu=exact: torch's exact (erf) GELU, as nanoGPT's nn.GELU(), instead of the tanh form nanolm
     * uses; for experiments on how much that changes training (the tests compare with the tanh form).
     */
    static final boolean EXACT_GELU = "exact".equals(System.getProperty("nanolm.peer.gelu"));

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
        x = x.add(dropout(TorchRef.linear(NDArrays.concat(heads, -1), w(h + "sa.proj.weight"), b(h + "sa.proj.bias"))));
        NDArray f = Activation.relu(TorchRef.linear(ln(x, w(h + "ln2.weight"), b(h + "ln2.bias"), 1e-5f),
                w(h + "ffwd.net.0.weight"), b(h + "ffwd.net.0.bias")));
        return x.add(dropout(TorchRef.linear(f, w(h + "ffwd.net.2.weight"), b(h + "ffwd.net.2.bias"))));
    }

    /** Mean cross-entropy of the next-token predictions for x (B,T) against targets y (B,T). */
    public NDArray loss(int[] x, int[] y, int T) {
        return TorchRef.crossEntropy(logits(x, y.length / T, T).reshape(y.length, cfg.vocabSize()), y, -1);
    }

    /**
     * One training step's gradients: zero_grad, then the loss of (x, y) and its backward inside a scope, so the
     * step's arrays are freed and only the gradients stay. Returns the loss.
     */
    public float lossBackward(int[] x, int[] y, int T) {
        zeroGrad();
        try (NDManager scope = scope(); ai.djl.training.GradientCollector gc = Torch.gradients()) {
            NDArray loss = loss(x, y, T);
            gc.backward(loss);
            return loss.getFloat();
        }
    }

    /** Sets every gradient to zero (in place). */
    public void zeroGrad() {
        for (NDArray t : p.values()) try (NDArray g = t.getGradient()) { g.subi(g); }
    }

    /** torch.nn.utils.clip_grad_norm_(max_norm): scales every gradient by min(1, max/(norm + 1e-6)); returns the norm. */
    public double clipGradNorm(double maxNorm) {
        double sq = 0;
        for (NDArray t : p.values()) try (NDArray g = t.getGradient(); NDArray g2 = g.mul(g); NDArray s = g2.sum()) { sq += s.getFloat(); }
        double norm = Math.sqrt(sq), coef = Math.min(1.0, maxNorm / (norm + 1e-6));
        for (NDArray t : p.values()) try (NDArray g = t.getGradient()) { g.muli((float) coef); }
        return norm;
    }
}
