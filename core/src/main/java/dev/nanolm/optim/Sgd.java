// Stochastic gradient descent with PyTorch's semantics (torch.optim.SGD, dampening 0, no Nesterov):
// g += wd*p; buf = mu*buf + g (buf = g on the first step); p -= lr*buf.
package dev.nanolm.optim;

import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;

public final class Sgd extends OptimizerBase {
    private final float momentum, weightDecay;
    /** Momentum buffers, one per parameter; null when momentum == 0 (plain SGD keeps no state). */
    private final Tensor[] bufs;

    public Sgd(List<Parameter> params, float lr) { this(params, lr, 0f, 0f); }

    public Sgd(List<Parameter> params, float lr, float momentum, float weightDecay) {
        super(params, lr);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0,1), got " + momentum);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        if (momentum != 0) {
            // Zero-initialised: with dampening 0, mu*0 + g == g, which is PyTorch's "buf = g on the first step".
            bufs = new Tensor[this.params.size()];
            for (int i = 0; i < bufs.length; i++) bufs[i] = stateLike("momentum.", this.params.get(i));
        } else bufs = null;
    }

    @Override
    public void step() {
        stepCount++;
        for (int i = 0; i < params.size(); i++) {
            Tensor t = params.get(i).value();
            if (!t.hasGrad()) continue; // PyTorch skips parameters whose grad is None
            float[] p = t.data, g = t.grad();
            float[] buf = bufs != null ? bufs[i].data : null;
            for (int j = 0; j < p.length; j++) {
                float d = g[j];
                if (weightDecay != 0) d += weightDecay * p[j];
                if (buf != null) {
                    buf[j] = momentum * buf[j] + d;
                    d = buf[j];
                }
                p[j] -= lr * d;
            }
        }
    }

    @Override
    public LinkedHashMap<String, Tensor> state() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        if (bufs != null) for (int i = 0; i < bufs.length; i++) out.put("momentum." + params.get(i).name(), bufs[i]);
        return out;
    }
}
