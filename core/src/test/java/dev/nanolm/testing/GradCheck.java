// Finite-difference gradient checker: compares the tape's analytic gradients of the random projection
// loss L = sum(out * R) with five-point central differences (L summed in double), and reports the max relative error.
package dev.nanolm.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.nanolm.autograd.Tape;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;

public final class GradCheck {
    private GradCheck() {}

    /** The function under test; it must be deterministic (build any Rng inside it from a fixed seed). */
    @FunctionalInterface
    public interface Fn {
        Tensor apply(Tensor... in);
    }

    /**
     * Default step and tolerance for float32 forwards. With h = 3e-2 the five-point stencil's truncation error is
     * O(h^4) ~ 1e-6 (times the fifth derivative), and float32 rounding in L adds roughly 1e-6/h ~ 3e-5; a tolerance
     * of 1e-2 leaves a margin of ~10x or more while a wrong gradient (a missing term, a wrong sign or factor) shows
     * up as an error of order 1. Inputs must stay more than 2h away from kinks (relu at 0, ties in max).
     */
    public static final double H = 3e-2, TOL = 1e-2;

    /**
     * Relative errors are taken against max(|analytic|, |numeric|, FLOOR, FLOOR_REL * max|analytic| of that input):
     * near-zero gradients compare absolutely, since float32 rounding noise scales with the outputs an element feeds,
     * not with its own gradient. An error must so exceed 1e-3 of the input's largest gradient to count.
     */
    public static final double FLOOR = 1e-2, FLOOR_REL = 0.1;

    /** At most this many elements per input are perturbed (a random subset beyond that), to keep checks fast. */
    public static final int MAX_PER_INPUT = 400;

    public static final class Result {
        public double maxRelErr;
        public int worstInput = -1, worstIndex = -1;
        public double worstAnalytic, worstNumeric;
        public int checked;

        @Override public String toString() {
            return String.format("max rel err %.3g over %d elements (worst: input %d element %d analytic %.6g numeric %.6g)",
                maxRelErr, checked, worstInput, worstIndex, worstAnalytic, worstNumeric);
        }
    }

    /** Checks f's gradient w.r.t. every input with the default step and tolerance; fails with a description otherwise. */
    public static Result assertGradients(String what, Fn f, Tensor... inputs) {
        return assertGradients(what, H, TOL, f, inputs);
    }

    public static Result assertGradients(String what, double h, double tol, Fn f, Tensor... inputs) {
        Result r = check(f, h, inputs);
        if (!(r.maxRelErr <= tol)) fail(what + ": gradient check failed, " + r + ", tolerance " + tol);
        return r;
    }

    /** Computes analytic and numeric gradients of sum(f(inputs) * R) and compares them. */
    public static Result check(Fn f, double h, Tensor... inputs) {
        Tape.reset();
        for (Tensor t : inputs) {
            t.requiresGrad = true;
            t.zeroGrad();
        }
        // Analytic: a loss node that seeds out.grad with R, so the check depends on no other op.
        Tensor out = f.apply(inputs);
        Rng rng = new Rng(0x5EEDL + out.numel());
        float[] R = new float[out.numel()];
        for (int i = 0; i < R.length; i++) R[i] = (float) rng.nextGaussian();
        Tensor loss = Tensor.scalar((float) project(out, R));
        Tape.record(loss, () -> {
            float g = loss.grad()[0];
            float[] dOut = out.grad();
            for (int i = 0; i < R.length; i++) dOut[i] += g * R[i];
        });
        Tape.backward(loss);
        float[][] analytic = new float[inputs.length][];
        for (int k = 0; k < inputs.length; k++) analytic[k] = inputs[k].grad().clone();

        // Numeric: central differences with no tape.
        Result res = new Result();
        try (var g = Tape.noGrad()) {
            for (int k = 0; k < inputs.length; k++) {
                float[] x = inputs[k].data;
                double maxAbs = 0;
                for (float v : analytic[k]) maxAbs = Math.max(maxAbs, Math.abs(v));
                double floor = Math.max(FLOOR, FLOOR_REL * maxAbs);
                for (int i : pick(x.length, rng)) {
                    float orig = x[i];
                    double l1 = at(f, inputs, x, i, orig + h, R), l_1 = at(f, inputs, x, i, orig - h, R);
                    double l2 = at(f, inputs, x, i, orig + 2 * h, R), l_2 = at(f, inputs, x, i, orig - 2 * h, R);
                    x[i] = orig;
                    // five-point central difference: truncation error O(h^4), so rounding noise dominates
                    double num = (8 * (l1 - l_1) - (l2 - l_2)) / (12 * h);
                    double an = analytic[k][i];
                    double err = Math.abs(an - num) / Math.max(floor, Math.max(Math.abs(an), Math.abs(num)));
                    if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
                    res.checked++;
                    if (err > res.maxRelErr || res.worstInput < 0) {
                        res.maxRelErr = err;
                        res.worstInput = k;
                        res.worstIndex = i;
                        res.worstAnalytic = an;
                        res.worstNumeric = num;
                    }
                }
            }
        }
        return res;
    }

    /** L with x[i] set to v (rounded to float, and the actual step is what the float can hold). */
    private static double at(Fn f, Tensor[] inputs, float[] x, int i, double v, float[] R) {
        x[i] = (float) v;
        return project(f.apply(inputs), R);
    }

    private static double project(Tensor out, float[] R) {
        if (out.numel() != R.length) throw new IllegalStateException("output size changed between calls: " + out);
        double s = 0;
        for (int i = 0; i < R.length; i++) s += (double) out.data[i] * R[i];
        return s;
    }

    /** All indices, or MAX_PER_INPUT distinct random ones. */
    private static int[] pick(int n, Rng rng) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        if (n <= MAX_PER_INPUT) return all;
        rng.shuffle(all);
        return java.util.Arrays.copyOf(all, MAX_PER_INPUT);
    }
}
