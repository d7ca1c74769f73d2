// Learning rate as a function of the step: constant, piecewise constant (makemore), and nanoGPT's
// linear warmup + cosine decay.
package dev.nanolm.optim;

import java.util.Arrays;

@FunctionalInterface
public interface LrSchedule {
    float lr(long step);

    static LrSchedule constant(float lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        return step -> lr;
    }

    /**
     * lr0 before milestones[0], lrs[i] from step milestones[i] on (milestones strictly increasing).
     * makemore: steps(0.1f, new long[] {100000}, new float[] {0.01f}).
     */
    static LrSchedule steps(float lr0, long[] milestones, float[] lrs) {
        if (milestones.length != lrs.length)
            throw new IllegalArgumentException("steps schedule needs one lr per milestone, got "
                    + milestones.length + " milestones and " + lrs.length + " lrs");
        for (int i = 1; i < milestones.length; i++)
            if (milestones[i] <= milestones[i - 1])
                throw new IllegalArgumentException("milestones must be strictly increasing: " + Arrays.toString(milestones));
        long[] ms = milestones.clone();
        float[] ls = lrs.clone();
        return step -> {
            float lr = lr0;
            for (int i = 0; i < ms.length && step >= ms[i]; i++) lr = ls[i];
            return lr;
        };
    }

    /**
     * nanoGPT's get_lr: maxLr*(it+1)/(warmupIters+1) while it &lt; warmupIters, then cosine decay from maxLr
     * to minLr over [warmupIters, decayIters], minLr after decayIters. Computed in double.
     */
    static LrSchedule cosineWithWarmup(float maxLr, float minLr, long warmupIters, long decayIters) {
        if (warmupIters < 0) throw new IllegalArgumentException("warmup iterations must be >= 0, got " + warmupIters);
        if (decayIters <= warmupIters)
            throw new IllegalArgumentException("decay iterations (" + decayIters + ") must exceed warmup iterations ("
                    + warmupIters + ")");
        return it -> {
            if (it < warmupIters) return (float) ((double) maxLr * (it + 1) / (warmupIters + 1));
            if (it > decayIters) return minLr;
            double ratio = (double) (it - warmupIters) / (decayIters - warmupIters);
            double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
            return (float) (minLr + coeff * ((double) maxLr - minLr));
        };
    }
}
