// nanolm's BDH against bdh.py's forward written line by line in libtorch ops via DJL (broadcast matmuls over the
// head dim, RoPE with torch's float32 phases and stack/interleave, (QR @ QR^T) * strict lower mask, parameter-free
// LayerNorms) with identical weights: logits, loss and the gradient of every parameter.
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.models.Bdh;
import dev.nanolm.models.BdhConfig;
import dev.nanolm.nn.Init;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BdhVsTorchTest extends PeerTest {
    static final int V = 17, BLOCK = 12, L = 3, D = 16, NH = 2, MULT = 4, B = 3; // N = 32 neurons per head
    /**
     * float32 on both sides, different summation orders. Measured: logits within 1e-6 at the init and 2e-6 with std 0.3
     * weights; everything passes at 2e-5 / 2e-4 (the classifier peer test's allowance), and a mask that lets a
     * position see itself fails by 100x or more.
     */
    static final double ATOL = 2e-5, RTOL = 2e-4;


    @ParameterizedTest(name = "weights std {0}")
    @ValueSource(floats = {0f, 0.3f}) // 0: bdh.py's N(0, 0.02) init; 0.3: weights moved away from it, more active neurons
    void logitsLossAndEveryGradientMatchLibtorch(float std) {
        Bdh net = new Bdh(new BdhConfig(V, BLOCK, L, D, NH, MULT, 0f), new Rng(21));
        Rng rng = new Rng(22);
        if (std > 0) for (Parameter p : net.parameters()) Init.normal(p.value(), 0, std, rng);
        int T = BLOCK - 2; // shorter than the block: the first T rows of the RoPE tables
        int[] x = Torch.randint(rng, V, B * T), y = Torch.randint(rng, V, B * T);
        Tensor logits = net.logits(x, B, T);
        Tensor loss = Ops.crossEntropy(logits, y);
        Tape.backward(loss);

        Map<String, NDArray> w = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) w.put(p.name(), Torch.nd(m, p.value(), true));
        NDArray tLogits, tLoss;
        try (GradientCollector gc = Torch.gradients()) {
            tLogits = forward(w, x, T);
            tLoss = TorchRef.crossEntropy(tLogits.reshape(B * T, V), y, -1);
            gc.backward(tLoss);
        }
        String what = "bdh std " + std + ": ";
        TorchAssert.assertClose(what + "logits", Torch.floats(tLogits), logits.data, ATOL, RTOL);
        TorchAssert.assertClose(what + "loss", Torch.floats(tLoss), loss.data, ATOL, RTOL);
        for (Parameter p : net.parameters())
            TorchAssert.assertClose(what + "d/d" + p.name(), Torch.grad(w.get(p.name())), p.value().grad(), ATOL, RTOL);
    }

    /** bdh.py's BDH.forward (one attention module per layer, no state), in the same order of operations. */
    NDArray forward(Map<String, NDArray> w, int[] idx, int T) {
        int N = MULT * D / NH;
        NDArray x = ln(TorchRef.embedding(w.get("embed.weight"), Torch.indices(m, idx, B, T)).reshape(B, 1, T, D)); // (B,1,T,D)
        // get_freqs(N, theta=2**16) and the phases of positions 0..T-1, in float32 as torch computes them
        NDArray arange = m.arange(0f, (float) N, 1f, DataType.FLOAT32);
        NDArray quant = arange.div(2f).floor().mul(2f);
        NDArray freqs = m.create(65536f).pow(quant.div((float) N)).pow(-1f).div((float) (2 * Math.PI)).reshape(1, 1, 1, N);
        NDArray phases = m.arange(0f, (float) T, 1f, DataType.FLOAT32).reshape(1, 1, T, 1).mul(freqs);
        phases = phases.sub(phases.floor()).mul((float) (2 * Math.PI)); // (phases % 1) * 2pi
        NDArray cos = phases.cos(), sin = phases.sin();
        float[] tril = new float[T * T];
        for (int t = 0; t < T; t++) for (int s = 0; s < t; s++) tril[t * T + s] = 1f;
        NDArray mask = m.create(tril, Torch.shapeOf(new int[] {T, T}));
        for (int level = 0; level < L; level++) {
            NDArray xSparse = Activation.relu(x.matMul(w.get("encoder")));                        // (B,nh,T,N)
            NDArray qr = rope(xSparse, cos, sin);
            NDArray scores = qr.matMul(qr.transpose(0, 1, 3, 2)).mul(mask);                      // tril(diagonal=-1)
            NDArray yKV = ln(scores.matMul(x));                                                   // (B,nh,T,D)
            NDArray ySparse = Activation.relu(yKV.matMul(w.get("encoder_v")));                    // (B,nh,T,N)
            NDArray xy = xSparse.mul(ySparse);
            NDArray yMLP = xy.transpose(0, 2, 1, 3).reshape(B, 1, T, N * NH).matMul(w.get("decoder")); // (B,1,T,D)
            x = ln(x.add(ln(yMLP)));
        }
        return x.reshape(B, T, D).matMul(w.get("lm_head"));                                       // (B,T,V)
    }

    /** bdh.py's rope: v * cos + stack((-v[..., 1::2], v[..., ::2]), -1).view(v.size()) * sin. */
    static NDArray rope(NDArray v, NDArray cos, NDArray sin) {
        NDArray rot = v.get("..., 1::2").neg().stack(v.get("..., ::2"), -1).reshape(v.getShape());
        return v.mul(cos).add(rot.mul(sin));
    }

    /** nn.LayerNorm(D, elementwise_affine=False) (eps 1e-5): weight 1 and bias 0, held constant. */
    NDArray ln(NDArray x) {
        return TorchRef.layerNorm(x, m.ones(Torch.shapeOf(new int[] {D})), m.zeros(Torch.shapeOf(new int[] {D})), 1e-5f);
    }
}
