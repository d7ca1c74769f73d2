// Reference implementations in libtorch (through DJL) of the ops nanolm has and DJL does not expose
// directly (tanh-approximated GELU, cross-entropy with an ignored index, channels-last batch norm).
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

public final class TorchRef {
    private TorchRef() {}

    /** torch.nn.functional.linear: x @ w^T + b, w of shape (out, in); b may be null. */
    public static NDArray linear(NDArray x, NDArray w, NDArray b) {
        NDArray y = x.matMul(w.transpose());
        return b == null ? y : y.add(b);
    }

    /**
     * F.gelu(x, approximate='tanh') = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), composed from torch ops
     * because DJL's gelu is the exact (erf) one. Constants are 0-d arrays owned by x's manager (see Torch.scalar).
     */
    public static NDArray geluTanh(NDArray x) {
        NDManager m = x.getManager();
        NDArray half = m.create(0.5f), one = m.create(1f);
        NDArray k = m.create((float) Math.sqrt(2 / Math.PI)), c = m.create(0.044715f);
        NDArray inner = x.add(x.mul(x).mul(x).mul(c)).mul(k);
        return x.mul(half).mul(inner.tanh().add(one));
    }

    /** F.layer_norm over the last dimension. */
    public static NDArray layerNorm(NDArray x, NDArray w, NDArray b, float eps) {
        long c = x.getShape().get(x.getShape().dimension() - 1);
        return JniUtils.layerNorm((PtNDArray) x, new Shape(c), (PtNDArray) w, (PtNDArray) b, eps);
    }

    /** F.embedding(idx, weight): rows of weight, output shape idx.shape + (C). */
    public static NDArray embedding(NDArray weight, NDArray idx) {
        return JniUtils.embedding((PtNDArray) idx, (PtNDArray) weight, false);
    }

    /**
     * F.cross_entropy(logits (N,C), targets, ignore_index) with mean reduction over the targets that are not
     * ignored: -sum_i log_softmax(logits)[i, t_i] / count. Ignored rows get index 0 for the gather and a zero mask.
     */
    public static NDArray crossEntropy(NDArray logits, int[] targets, int ignoreIndex) {
        NDManager m = logits.getManager();
        int n = targets.length;
        long[] idx = new long[n];
        float[] mask = new float[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            boolean keep = targets[i] != ignoreIndex;
            idx[i] = keep ? targets[i] : 0;
            mask[i] = keep ? 1f : 0f;
            if (keep) count++;
        }
        NDArray picked = logits.logSoftmax(1).gather(m.create(idx, new Shape(n, 1)), 1).reshape(n);
        NDArray negInvCount = m.create(-1f / count);
        return picked.mul(m.create(mask)).sum().mul(negInvCount);
    }

    /**
     * F.batch_norm for channels-last input (..., C): torch normalises dim 1, so the input is viewed as (rows, C).
     * In training mode uses the biased batch variance and updates runningMean/runningVar in place with the
     * unbiased one: running = (1 - momentum) running + momentum batch.
     */
    public static NDArray batchNorm(NDArray x, NDArray gamma, NDArray beta, NDArray runningMean, NDArray runningVar,
                             boolean training, float momentum, float eps) {
        Shape s = x.getShape();
        long c = s.get(s.dimension() - 1);
        NDArray x2 = x.reshape(-1, c);
        NDArray y = JniUtils.batchNorm((PtNDArray) x2, (PtNDArray) runningMean, (PtNDArray) runningVar,
                (PtNDArray) gamma, (PtNDArray) beta, training, momentum, eps);
        return y.reshape(s);
    }

    /** sum(out * r): a scalar whose gradient w.r.t. out is r, to test every element of a backward. */
    public static NDArray project(NDArray out, NDArray r) {
        return out.mul(r).sum();
    }

    public static NDArray asFloat(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
    }

    /**
     * torch.optim.AdamW (torch 2.7 _single_tensor_adam with decoupled weight decay) transcribed into torch ops,
     * one weight-decay value per parameter (PyTorch's parameter groups). Runs outside any GradientCollector, so
     * the Number overloads are safe here (nothing is saved for backward).
     */
    public static final class AdamW {
        private final Map<String, NDArray> params;
        private final Map<String, Float> weightDecay;
        private final Map<String, NDArray> expAvg = new LinkedHashMap<>(), expAvgSq = new LinkedHashMap<>();
        private final float beta1, beta2, eps;
        private float lr;
        private int step;

        public AdamW(Map<String, NDArray> params, Map<String, Float> weightDecay, float lr, float beta1, float beta2, float eps) {
            this.params = params;
            this.weightDecay = weightDecay;
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                expAvg.put(e.getKey(), e.getValue().zerosLike());
                expAvgSq.put(e.getKey(), e.getValue().zerosLike());
            }
        }

        /** The learning rate of the next steps (a schedule sets it before each step, as nanoGPT's train.py does). */
        public void setLr(float lr) { this.lr = lr; }

        /**
         * One update of every parameter from its gradient. Each parameter's temporaries live in a sub-manager closed
         * at once, so that many steps (the benchmark) do not pile arrays up in the parameters' manager.
         */
        public void step() {
            step++;
            // Python computes these in double; torch casts the scalars to float when applying them
            double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
            double stepSize = lr / bc1, bc2Sqrt = Math.sqrt(bc2);
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue(), m = expAvg.get(e.getKey()), v = expAvgSq.get(e.getKey());
                try (NDManager scope = p.getManager().newSubManager()) {
                    p.tempAttach(scope);
                    m.tempAttach(scope);
                    v.tempAttach(scope);
                    NDArray g = p.getGradient();
                    float wd = weightDecay.get(e.getKey());
                    if (wd != 0) p.muli(1 - lr * wd);                       // param.mul_(1 - lr * weight_decay)
                    m.addi(g.sub(m).mul(1 - beta1));                        // exp_avg.lerp_(grad, 1 - beta1)
                    v.muli(beta2).addi(g.mul(g).mul(1 - beta2));            // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
                    NDArray denom = v.sqrt().div(bc2Sqrt).add(eps);         // (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)
                    p.subi(m.div(denom).mul(stepSize));                     // param.addcdiv_(exp_avg, denom, -step_size)
                }
            }
        }
    }
}
