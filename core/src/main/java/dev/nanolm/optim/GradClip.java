// Global gradient-norm clipping, as torch.nn.utils.clip_grad_norm_ (norm accumulated in double).
package dev.nanolm.optim;

import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Tensor;
import java.util.List;

public final class GradClip {
    private GradClip() {}

    /**
     * Scales all gradients by maxNorm/(norm + 1e-6) when that factor is below 1 (i.e. the total L2 norm
     * exceeds maxNorm). Parameters without a gradient are ignored. Returns the norm before clipping; a
     * non-finite norm is returned as is and, as in PyTorch, poisons the gradients, so callers should check it.
     */
    public static double clipGlobalNorm(List<Parameter> ps, double maxNorm) {
        double norm = globalNorm(ps);
        clip(ps, maxNorm, norm);
        return norm;
    }

    /** The L2 norm of all gradients together (parameters without one are ignored), accumulated in double. */
    public static double globalNorm(List<Parameter> ps) {
        double sq = 0;
        for (int i = 0; i < ps.size(); i++) { // (indexed: an iterator per step is garbage)
            Tensor v = ps.get(i).value();
            if (!v.hasGrad()) continue;
            for (float g : v.grad()) sq += (double) g * g;
        }
        return Math.sqrt(sq);
    }

    /** Scales all gradients by maxNorm/(norm + 1e-6) when that is below 1; norm is {@link #globalNorm}'s. */
    public static void clip(List<Parameter> ps, double maxNorm, double norm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1.0) {
            float c = (float) coef;
            for (int i = 0; i < ps.size(); i++) {
                Tensor v = ps.get(i).value();
                if (!v.hasGrad()) continue;
                float[] g = v.grad();
                for (int j = 0; j < g.length; j++) g[j] *= c;
            }
        }
    }
}
