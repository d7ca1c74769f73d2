// Adam with decoupled weight decay (torch.optim.AdamW), by default decaying only parameters of rank >= 2
// (matrices and embeddings, not biases or norm gains), nanoGPT's rule. The update itself is Kernels.adamw.
package dev.nanolm.optim;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

public final class AdamW extends OptimizerBase {
    /** nanoGPT's rule: weight decay for tensors of rank >= 2 only. */
    public static final Predicate<Parameter> DECAY_RANK_2_PLUS = p -> p.rank() >= 2;

    private final float beta1, beta2, eps, weightDecay;
    private final boolean[] decays;
    private final Tensor[] m, v;

    public AdamW(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, DECAY_RANK_2_PLUS);
    }

    /** decay decides which parameters get weight decay. */
    public AdamW(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay,
                 Predicate<Parameter> decay) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0,1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0,1), got " + beta2);
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        int n = this.params.size();
        decays = new boolean[n];
        m = new Tensor[n];
        v = new Tensor[n];
        for (int i = 0; i < n; i++) {
            Parameter p = this.params.get(i);
            decays[i] = decay.test(p);
            m[i] = stateLike("m.", p);
            v[i] = stateLike("v.", p);
        }
    }

    /** Whether weight decay applies to the i-th parameter. */
    public boolean decays(int i) { return decays[i]; }

    @Override
    public void step() {
        stepCount++;
        // Bias corrections in double: beta2^t for beta2 = 0.999 loses digits in float over long runs.
        float bc1 = (float) (1.0 - Math.pow(beta1, stepCount));
        float bc2 = (float) (1.0 - Math.pow(beta2, stepCount));
        Kernels k = Kernels.get();
        for (int i = 0; i < params.size(); i++) {
            Tensor t = params.get(i).value();
            if (!t.hasGrad()) continue; // as PyTorch: a parameter without a gradient is not touched
            k.adamw(t.data, t.grad(), m[i].data, v[i].data, 0, t.numel(),
                    lr, beta1, beta2, eps, decays[i] ? weightDecay : 0f, bc1, bc2);
        }
    }

    @Override
    public LinkedHashMap<String, Tensor> state() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) out.put("m." + params.get(i).name(), m[i]);
        for (int i = 0; i < params.size(); i++) out.put("v." + params.get(i).name(), v[i]);
        return out;
    }
}
