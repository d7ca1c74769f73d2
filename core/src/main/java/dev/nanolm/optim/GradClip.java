// Global gradient-norm clipping, as torch.nn.utils.clip_grad_norm_ (norm accumulated in double).
package dev.nanolm.optim;

import dev.nanolm.nn.Parameter;
import java.util.List;

public final class GradClip {
    private GradClip() {}

    /**
     * Scales all gradients by maxNorm/(norm + 1e-6) when that factor is below 1 (i.e. the total L2 norm
     * exceeds maxNorm). Parameters without a gradient are ignored. Returns the norm before clipping; a
     * non-finite norm is returned as is and, as in PyTorch, poisons the gradients, so callers should check it.
     */
    public static double clipGlobalNorm(List<Parameter> ps, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        double sq = 0;
        for (Parameter p : ps) {
            if (!p.value().hasGrad()) continue;
            for (float g : p.value().grad()) sq += (double) g * g;
        }
        double norm = Math.sqrt(sq);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1.0) {
            float c = (float) coef;
            for (Parameter p : ps) {
                if (!p.value().hasGrad()) continue;
                float[] g = p.value().grad();
                for (int i = 0; i < g.length; i++) g[i] *= c;
            }
        }
        return norm;
    }
}
