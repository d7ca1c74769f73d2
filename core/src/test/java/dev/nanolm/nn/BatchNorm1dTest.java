// BatchNorm1d against a hand computation in double: batch statistics (biased variance) in training,
// running-stat updates with PyTorch's rule (unbiased variance, momentum 0.1), running stats in eval.
package dev.nanolm.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.autograd.Tape;
import dev.nanolm.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BatchNorm1dTest {
    static final int C = 3;

    static Tensor input(int rows, int... shape) {
        float[] d = new float[rows * C];
        for (int i = 0; i < d.length; i++) d[i] = (float) (Math.sin(0.9 * i + 0.3) * (1 + i % C) + 0.5 * (i % C));
        return Tensor.of(d, shape);
    }

    static BatchNorm1d layer() {
        BatchNorm1d bn = new BatchNorm1d(C);
        bn.weight().data[0] = 1.5f; bn.weight().data[1] = -0.5f; bn.weight().data[2] = 2f;
        bn.bias().data[0] = 0.1f; bn.bias().data[1] = 0.2f; bn.bias().data[2] = -0.3f;
        return bn;
    }

    /** Per-channel mean and biased variance over rows. */
    static double[][] stats(Tensor x, int rows) {
        double[] mean = new double[C], var = new double[C];
        for (int r = 0; r < rows; r++) for (int c = 0; c < C; c++) mean[c] += x.data[r * C + c] / (double) rows;
        for (int r = 0; r < rows; r++) for (int c = 0; c < C; c++) {
            double d = x.data[r * C + c] - mean[c];
            var[c] += d * d / rows;
        }
        return new double[][] {mean, var};
    }

    static void checkTrainingStep(BatchNorm1d bn, Tensor x, int rows, double[] rm, double[] rv) {
        double[][] s = stats(x, rows);
        Tensor y;
        try (var g = Tape.noGrad()) { y = bn.forward(x); }
        assertArrayEquals(x.shape, y.shape);
        for (int r = 0; r < rows; r++) for (int c = 0; c < C; c++) {
            double want = (x.data[r * C + c] - s[0][c]) / Math.sqrt(s[1][c] + 1e-5) * bn.weight().data[c] + bn.bias().data[c];
            assertEquals(want, y.data[r * C + c], 1e-5, "y[" + r + "," + c + "]");
        }
        for (int c = 0; c < C; c++) {
            rm[c] = 0.9 * rm[c] + 0.1 * s[0][c];
            rv[c] = 0.9 * rv[c] + 0.1 * s[1][c] * rows / (rows - 1); // unbiased in the running estimate
            assertEquals(rm[c], bn.runningMean().data[c], 1e-6, "running_mean[" + c + "]");
            assertEquals(rv[c], bn.runningVar().data[c], 1e-5, "running_var[" + c + "]");
        }
    }

    @Test
    void trainingUsesBatchStatsAndUpdatesRunningStats() {
        BatchNorm1d bn = layer();
        double[] rm = new double[C], rv = {1, 1, 1};
        checkTrainingStep(bn, input(7, 7, C), 7, rm, rv);
        checkTrainingStep(bn, input(5, 5, C), 5, rm, rv); // second update compounds with momentum
    }

    @Test
    void channelsLastSequencesUseStatsOverBatchAndLength() {
        BatchNorm1d bn = layer();
        double[] rm = new double[C], rv = {1, 1, 1};
        checkTrainingStep(bn, input(2 * 5, 2, 5, C), 10, rm, rv);
    }

    @Test
    void evalUsesRunningStatsAndLeavesThemAlone() {
        BatchNorm1d bn = layer();
        try (var g = Tape.noGrad()) { bn.forward(input(7, 7, C)); }
        float[] rm = bn.runningMean().data.clone(), rv = bn.runningVar().data.clone();
        bn.eval();
        Tensor x = input(5, 5, C);
        Tensor y;
        try (var g = Tape.noGrad()) { y = bn.forward(x); }
        for (int r = 0; r < 5; r++) for (int c = 0; c < C; c++) {
            double want = (x.data[r * C + c] - rm[c]) / Math.sqrt(rv[c] + 1e-5) * bn.weight().data[c] + bn.bias().data[c];
            assertEquals(want, y.data[r * C + c], 1e-5);
        }
        assertArrayEquals(rm, bn.runningMean().data);
        assertArrayEquals(rv, bn.runningVar().data);
    }
}
