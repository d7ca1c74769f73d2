// layerNorm and channels-last batchNorm: values and gradients against the same maths composed from
// elementary ops, finite-difference checks, PyTorch's running-stat update, eval mode, both kernel sets.
package dev.nanolm.autograd;

import static dev.nanolm.testing.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.KernelSets;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NormTest {
    static final float EPS = 1e-5f;

    static Stream<Arguments> lnCases() {
        int[][] shapes = {{7}, {3, 13}, {2, 3, 17}, {1, 2, 64}, {5, 1}};
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : KernelSets.all().toList()) for (int[] s : shapes) out.add(Arguments.of(k, s));
        return out.stream();
    }

    /** LayerNorm from elementary ops: (x - mean) / sqrt(var + eps) * w + b over the last dim. */
    static Tensor composedLayerNorm(Tensor x, Tensor w, Tensor b, float eps) {
        Tensor xc = Ops.sub(x, Ops.mean(x, -1, true));
        Tensor var = Ops.mean(Ops.pow(xc, 2f), -1, true);
        Tensor y = Ops.div(xc, Ops.sqrt(Ops.addScalar(var, eps)));
        if (w != null) y = Ops.mul(y, w);
        return b != null ? Ops.add(y, b) : y;
    }

    /** Values and gradients (w.r.t. every non-null input) of sum(f(...) * R). */
    static List<float[]> valueAndGrads(Function<Tensor[], Tensor> f, Tensor R, Tensor... in) {
        for (Tensor t : in) if (t != null) t.requiresGrad(true).zeroGrad();
        Tensor y = f.apply(in);
        Tape.backward(Ops.sum(Ops.mul(y, R)));
        List<float[]> out = new ArrayList<>();
        out.add(y.data.clone());
        for (Tensor t : in) if (t != null) out.add(t.grad().clone());
        return out;
    }

    static void assertSame(String what, List<float[]> expected, List<float[]> actual, double tol) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) assertClose(what + (i == 0 ? " value" : " grad " + i), expected.get(i), actual.get(i), tol);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("lnCases")
    void layerNormMatchesComposedAndFiniteDifferences(Kernels kern, int[] shape) {
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(12);
            int C = shape[shape.length - 1];
            Tensor x = TestTensors.randn(rng, shape), w = TestTensors.uniform(rng, 0.5f, 1.5f, C), b = TestTensors.randn(rng, C);
            Tensor R = TestTensors.randn(rng, shape);
            Tensor[][] variants = {{x, w, b}, {x, w, null}, {x, null, null}};
            for (Tensor[] v : variants) {
                String name = "layerNorm" + (v[1] == null ? " no w" : "") + (v[2] == null ? " no b" : "");
                assertSame(name + " vs composed",
                    valueAndGrads(in -> composedLayerNorm(in[0], in[1], in[2], EPS), R, v),
                    valueAndGrads(in -> Ops.layerNorm(in[0], in[1], in[2], EPS), R, v), 1e-4);
            }
            if (C > 1) { // with C == 1 the output is b alone and x's gradient is zero: nothing to difference
                GradCheck.assertGradients("layerNorm", in -> Ops.layerNorm(in[0], in[1], in[2], EPS), x, w, b);
                GradCheck.assertGradients("layerNorm no bias", in -> Ops.layerNorm(in[0], in[1], null, EPS), x, w);
                GradCheck.assertGradients("layerNorm without affine (bdh)", in -> Ops.layerNorm(in[0], null, null, EPS), x);
            }
        });
    }

    @Test
    void layerNormShapeErrors() {
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.layerNorm(Tensor.zeros(2, 5), Tensor.zeros(4), null, EPS));
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[2, 5]"), e.getMessage());
        assertThrows(ShapeException.class, () -> Ops.layerNorm(Tensor.zeros(2, 5), Tensor.zeros(5), Tensor.zeros(6), EPS));
    }

    // ---------------------------------------------------------------- batch norm

    static final int[][] BN_SHAPES = {{7, 3}, {2, 5, 13}, {3, 2, 2, 4}, {17, 1}};

    static Stream<int[]> bnShapes() { return Stream.of(BN_SHAPES); }

    /**
     * Training-mode BatchNorm from elementary ops: statistics over all rows of x viewed as (R, C), the variance divided
     * by R, or by R-1 when unbiased (the makemore lectures' x.var()).
     */
    static Tensor composedBatchNorm(Tensor x, Tensor gamma, Tensor beta, float eps, boolean unbiased) {
        int C = x.dim(-1), R = x.numel() / C;
        Tensor x2 = Ops.reshape(x, -1, C);
        Tensor xc = Ops.sub(x2, Ops.mean(x2, 0, true));
        Tensor var = Ops.mulScalar(Ops.sum(Ops.pow(xc, 2f), 0, true), 1f / (unbiased ? R - 1 : R));
        Tensor y = Ops.div(xc, Ops.sqrt(Ops.addScalar(var, eps)));
        if (gamma != null) y = Ops.mul(y, gamma);
        if (beta != null) y = Ops.add(y, beta);
        return Ops.reshape(y, x.shape);
    }

    static Stream<Arguments> bnShapesBothVariances() {
        return Stream.of(BN_SHAPES).flatMap(sh -> Stream.of(Arguments.of(sh, false), Arguments.of(sh, true)));
    }

    /** PyTorch's form (biased batch variance) and the lectures' (unbiased, --bn-variance unbiased). */
    @ParameterizedTest(name = "{0} unbiased {1}")
    @MethodSource("bnShapesBothVariances")
    void batchNormTrainingMatchesComposedAndFiniteDifferences(int[] shape, boolean unbiased) {
        Rng rng = new Rng(unbiased ? 16 : 13);
        int C = shape[shape.length - 1];
        Tensor x = TestTensors.mulBy(TestTensors.randn(rng, shape), 3f);
        Tensor gamma = TestTensors.uniform(rng, 0.5f, 1.5f, C), beta = TestTensors.randn(rng, C);
        Tensor rm = Tensor.zeros(C), rv = TestTensors.uniform(rng, 1f, 1f, C);
        Tensor R = TestTensors.randn(rng, shape);
        String v = unbiased ? "unbiased " : "";
        assertSame(v + "batchNorm vs composed",
            valueAndGrads(in -> composedBatchNorm(in[0], in[1], in[2], EPS, unbiased), R, x, gamma, beta),
            valueAndGrads(in -> Ops.batchNorm(in[0], in[1], in[2], rm, rv, true, 0.1f, EPS, unbiased), R, x, gamma, beta), 1e-4);
        assertSame(v + "batchNorm no affine vs composed",
            valueAndGrads(in -> composedBatchNorm(in[0], null, null, EPS, unbiased), R, x),
            valueAndGrads(in -> Ops.batchNorm(in[0], null, null, rm, rv, true, 0.1f, EPS, unbiased), R, x), 1e-4);
        GradCheck.assertGradients(v + "batchNorm train", in -> Ops.batchNorm(in[0], in[1], in[2], rm, rv, true, 0.1f, EPS, unbiased), x, gamma, beta);
        GradCheck.assertGradients(v + "batchNorm train, no running stats", in -> Ops.batchNorm(in[0], in[1], in[2], null, null, true, 0.1f, EPS, unbiased), x, gamma, beta);
        GradCheck.assertGradients(v + "batchNorm train, no running stats, no affine", in -> Ops.batchNorm(in[0], null, null, null, null, true, 0.1f, EPS, unbiased), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bnShapes")
    void unbiasedBatchNormScalesByBesselAndEvalIsTheSameMap(int[] shape) {
        Rng rng = new Rng(16);
        int C = shape[shape.length - 1];
        Tensor x = TestTensors.mulBy(TestTensors.randn(rng, shape), 3f);
        Tensor gamma = TestTensors.uniform(rng, 0.5f, 1.5f, C), beta = TestTensors.randn(rng, C);
        Tensor rm = Tensor.zeros(C), rv = TestTensors.uniform(rng, 1f, 1f, C);
        // not the biased one: the outputs differ by sqrt(R/(R-1))
        Tensor yb = Ops.batchNorm(x, null, null, null, null, true, 0.1f, EPS), yu = Ops.batchNorm(x, null, null, null, null, true, 0.1f, EPS, true);
        int rows = x.numel() / C;
        assertEquals(yb.data[0] * Math.sqrt((rows - 1.0) / rows), yu.data[0], 1e-4);
        // eval with running stats is the same map whichever variance training used
        assertArrayEquals(Ops.batchNorm(x, gamma, beta, rm, rv, false, 0.1f, EPS).data, Ops.batchNorm(x, gamma, beta, rm, rv, false, 0.1f, EPS, true).data);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bnShapes")
    void batchNormUpdatesRunningStatsLikePyTorch(int[] shape) {
        Rng rng = new Rng(14);
        int C = shape[shape.length - 1], R = Tensor.numel(shape) / C;
        Tensor x = TestTensors.randn(rng, shape);
        Tensor rm = TestTensors.randn(rng, C), rv = TestTensors.uniform(rng, 0.5f, 2f, C);
        float[] rm0 = rm.data.clone(), rv0 = rv.data.clone();
        float momentum = 0.1f;
        Ops.batchNorm(x, null, null, rm, rv, true, momentum, EPS);
        for (int c = 0; c < C; c++) {
            double s = 0, ss = 0;
            for (int r = 0; r < R; r++) s += x.data[r * C + c];
            double mean = s / R;
            for (int r = 0; r < R; r++) ss += Math.pow(x.data[r * C + c] - mean, 2);
            assertEquals((1 - momentum) * rm0[c] + momentum * mean, rm.data[c], 1e-5, "running mean");
            assertEquals((1 - momentum) * rv0[c] + momentum * ss / (R - 1), rv.data[c], 1e-5, "running var (unbiased)");
        }
        // eval leaves them alone
        float[] rm1 = rm.data.clone(), rv1 = rv.data.clone();
        Ops.batchNorm(x, null, null, rm, rv, false, momentum, EPS);
        assertArrayEquals(rm1, rm.data);
        assertArrayEquals(rv1, rv.data);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bnShapes")
    void batchNormEvalUsesRunningStats(int[] shape) {
        Rng rng = new Rng(15);
        int C = shape[shape.length - 1];
        Tensor x = TestTensors.randn(rng, shape);
        Tensor gamma = TestTensors.uniform(rng, 0.5f, 1.5f, C), beta = TestTensors.randn(rng, C);
        Tensor rm = TestTensors.randn(rng, C), rv = TestTensors.uniform(rng, 0.5f, 2f, C);
        Tensor y = Ops.batchNorm(x, gamma, beta, rm, rv, false, 0.1f, EPS);
        float[] expected = new float[x.numel()];
        for (int i = 0; i < expected.length; i++) {
            int c = i % C;
            expected[i] = (float) ((x.data[i] - rm.data[c]) / Math.sqrt(rv.data[c] + EPS) * gamma.data[c] + beta.data[c]);
        }
        assertClose("batchNorm eval", expected, y.data, 1e-5);
        GradCheck.assertGradients("batchNorm eval", in -> Ops.batchNorm(in[0], in[1], in[2], rm, rv, false, 0.1f, EPS), x, gamma, beta);
        GradCheck.assertGradients("batchNorm eval no affine", in -> Ops.batchNorm(in[0], null, null, rm, rv, false, 0.1f, EPS), x);
    }

    @Test
    void batchNormErrors() {
        assertThrows(IllegalArgumentException.class,
            () -> Ops.batchNorm(Tensor.zeros(1, 4), null, null, Tensor.zeros(4), Tensor.zeros(4), true, 0.1f, EPS));
        ShapeException e = assertThrows(ShapeException.class,
            () -> Ops.batchNorm(Tensor.zeros(3, 4), Tensor.zeros(5), null, null, null, true, 0.1f, EPS));
        assertTrue(e.getMessage().contains("[5]") && e.getMessage().contains("[3, 4]"), e.getMessage());
        assertThrows(ShapeException.class, () -> Ops.batchNorm(Tensor.zeros(4), null, null, null, null, true, 0.1f, EPS));
    }
}
