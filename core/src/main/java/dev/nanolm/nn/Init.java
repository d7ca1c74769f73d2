// Weight initialisers that fill a tensor in place from the one seeded Rng, in storage order, so the
// same seed gives the same weights. Each returns its tensor for chaining.
package dev.nanolm.nn;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

public final class Init {
    private Init() {}

    /** U(lo, hi), as torch.nn.init.uniform_. */
    public static Tensor uniform(Tensor t, double lo, double hi, Rng rng) {
        if (!(hi >= lo)) throw new IllegalArgumentException("uniform needs lo <= hi, got " + lo + ", " + hi);
        float[] d = t.data;
        double w = hi - lo;
        for (int i = 0; i < d.length; i++) d[i] = (float) (lo + w * rng.nextDouble());
        return t;
    }

    /** N(mean, std^2), as torch.nn.init.normal_. */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        if (!(std >= 0)) throw new IllegalArgumentException("normal needs std >= 0, got " + std);
        float[] d = t.data;
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * rng.nextGaussian());
        return t;
    }

    /**
     * Kaiming (He) normal init: N(0, (gain/sqrt(fanIn))^2). Gain 5/3 for tanh (makemore part 3),
     * sqrt(2) for ReLU, 1 for linear.
     */
    public static Tensor kaimingNormal(Tensor t, int fanIn, double gain, Rng rng) {
        if (fanIn <= 0) throw new IllegalArgumentException("fanIn must be positive, got " + fanIn);
        return normal(t, 0, gain / Math.sqrt(fanIn), rng);
    }

    public static Tensor constant(Tensor t, float v) {
        Arrays.fill(t.data, v);
        return t;
    }

    public static Tensor zeros(Tensor t) { return constant(t, 0f); }

    public static Tensor ones(Tensor t) { return constant(t, 1f); }

    /** The gain torch.nn.init.calculate_gain gives for a nonlinearity name ("linear", "tanh", "relu", ...). */
    public static double gain(String nonlinearity) {
        switch (nonlinearity) {
            case "linear": case "identity": case "sigmoid": case "conv1d": return 1.0;
            case "tanh": return 5.0 / 3.0;
            case "relu": return Math.sqrt(2.0);
            default: throw new IllegalArgumentException("no gain known for nonlinearity '" + nonlinearity
                    + "' (known: linear, identity, sigmoid, tanh, relu)");
        }
    }
}
