// Plain double-precision Java formulas of the ops, the third opinion when nanolm and libtorch disagree
// (and the check that TorchRef's compositions mean what torch means).
package dev.nanolm.peer;

final class Ref64 {
    private Ref64() {}

    static float[] geluTanh(float[] x) {
        float[] y = new float[x.length];
        double k = Math.sqrt(2 / Math.PI);
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            y[i] = (float) (0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v))));
        }
        return y;
    }

    /** d gelu_tanh(x)/dx times dy. */
    static float[] geluTanhBackward(float[] x, float[] dy) {
        float[] dx = new float[x.length];
        double k = Math.sqrt(2 / Math.PI);
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double u = k * (v + 0.044715 * v * v * v);
            double t = Math.tanh(u);
            double du = k * (1 + 3 * 0.044715 * v * v);
            dx[i] = (float) (dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du));
        }
        return dx;
    }

    /** Mean cross-entropy over rows whose target is not ignoreIndex; logits (N, C) row-major. */
    static double crossEntropy(float[] logits, int n, int c, int[] targets, int ignoreIndex) {
        double total = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] == ignoreIndex) continue;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, logits[i * c + j]);
            double s = 0;
            for (int j = 0; j < c; j++) s += Math.exp(logits[i * c + j] - max);
            total += max + Math.log(s) - logits[i * c + targets[i]];
            count++;
        }
        return total / count;
    }

    /** Layer norm over the last dimension c, biased variance. */
    static float[] layerNorm(float[] x, int c, float[] w, float[] b, double eps) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < c; j++) mean += x[r * c + j];
            mean /= c;
            for (int j = 0; j < c; j++) { double d = x[r * c + j] - mean; var += d * d; }
            var /= c;
            double rstd = 1 / Math.sqrt(var + eps);
            for (int j = 0; j < c; j++) y[r * c + j] = (float) ((x[r * c + j] - mean) * rstd * w[j] + b[j]);
        }
        return y;
    }

    /**
     * Channels-last batch norm in training mode over rows = x.length / c; updates runningMean/runningVar in place
     * with torch's rule (unbiased variance, running = (1 - momentum) running + momentum batch).
     */
    static float[] batchNormTrain(float[] x, int c, float[] gamma, float[] beta, float[] runningMean,
                                  float[] runningVar, double momentum, double eps) {
        int rows = x.length / c;
        float[] y = new float[x.length];
        for (int j = 0; j < c; j++) {
            double mean = 0, ss = 0;
            for (int r = 0; r < rows; r++) mean += x[r * c + j];
            mean /= rows;
            for (int r = 0; r < rows; r++) { double d = x[r * c + j] - mean; ss += d * d; }
            double rstd = 1 / Math.sqrt(ss / rows + eps);
            for (int r = 0; r < rows; r++) y[r * c + j] = (float) ((x[r * c + j] - mean) * rstd * gamma[j] + beta[j]);
            runningMean[j] = (float) ((1 - momentum) * runningMean[j] + momentum * mean);
            runningVar[j] = (float) ((1 - momentum) * runningVar[j] + momentum * ss / (rows - 1));
        }
        return y;
    }
}
