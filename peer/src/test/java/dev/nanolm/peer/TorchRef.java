// Reference implementations in libtorch (through DJL) of the ops nanolm has and DJL does not expose
// directly (tanh-approximated GELU, cross-entropy with an ignored index, channels-last batch norm).
package dev.nanolm.peer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

final class TorchRef {
    private TorchRef() {}

    /** torch.nn.functional.linear: x @ w^T + b, w of shape (out, in); b may be null. */
    static NDArray linear(NDArray x, NDArray w, NDArray b) {
        NDArray y = x.matMul(w.transpose());
        return b == null ? y : y.add(b);
    }

    /**
     * F.gelu(x, approximate='tanh') = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), composed from torch ops
     * because DJL's gelu is the exact (erf) one. Constants are 0-d arrays owned by x's manager (see Torch.scalar).
     */
    static NDArray geluTanh(NDArray x) {
        NDManager m = x.getManager();
        NDArray half = m.create(0.5f), one = m.create(1f);
        NDArray k = m.create((float) Math.sqrt(2 / Math.PI)), c = m.create(0.044715f);
        NDArray inner = x.add(x.mul(x).mul(x).mul(c)).mul(k);
        return x.mul(half).mul(inner.tanh().add(one));
    }

    /** F.layer_norm over the last dimension. */
    static NDArray layerNorm(NDArray x, NDArray w, NDArray b, float eps) {
        long c = x.getShape().get(x.getShape().dimension() - 1);
        return JniUtils.layerNorm((PtNDArray) x, new Shape(c), (PtNDArray) w, (PtNDArray) b, eps);
    }

    /** F.embedding(idx, weight): rows of weight, output shape idx.shape + (C). */
    static NDArray embedding(NDArray weight, NDArray idx) {
        return JniUtils.embedding((PtNDArray) idx, (PtNDArray) weight, false);
    }

    /**
     * F.cross_entropy(logits (N,C), targets, ignore_index) with mean reduction over the targets that are not
     * ignored: -sum_i log_softmax(logits)[i, t_i] / count. Ignored rows get index 0 for the gather and a zero mask.
     */
    static NDArray crossEntropy(NDArray logits, int[] targets, int ignoreIndex) {
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
    static NDArray batchNorm(NDArray x, NDArray gamma, NDArray beta, NDArray runningMean, NDArray runningVar,
                             boolean training, float momentum, float eps) {
        Shape s = x.getShape();
        long c = s.get(s.dimension() - 1);
        NDArray x2 = x.reshape(-1, c);
        NDArray y = JniUtils.batchNorm((PtNDArray) x2, (PtNDArray) runningMean, (PtNDArray) runningVar,
                (PtNDArray) gamma, (PtNDArray) beta, training, momentum, eps);
        return y.reshape(s);
    }

    /** sum(out * r): a scalar whose gradient w.r.t. out is r, to test every element of a backward. */
    static NDArray project(NDArray out, NDArray r) {
        return out.mul(r).sum();
    }

    static NDArray asFloat(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
    }
}
