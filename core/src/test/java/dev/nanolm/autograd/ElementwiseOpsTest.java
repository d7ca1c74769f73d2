// Elementwise ops: forward values against plain references, gradients by finite differences,
// on odd sizes and every broadcast pattern (equal, suffix, rank-0, leading/middle size-1 dims, both sides).
package dev.nanolm.autograd;

import static dev.nanolm.testing.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.ScalarKernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.KernelSets;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElementwiseOpsTest {

    static final int[][][] BROADCASTS = {
        {{3, 7}, {3, 7}},          // equal shapes
        {{1}, {1}},
        {{2, 3, 13}, {13}},        // bias-like suffix
        {{2, 3, 13}, {}},          // rank-0 scalar
        {{}, {3, 5}},              // rank-0 on the left
        {{17}, {1}},               // size-1
        {{3, 1, 5}, {7, 1}},       // both sides broadcast
        {{1, 7}, {3, 1}},
        {{5}, {2, 3, 5}},          // a repeats over b's leading dims
        {{2, 3, 13}, {1, 1, 13}},  // suffix after leading 1s
        {{2, 3, 13}, {2, 1, 13}},  // middle broadcast
        {{2, 1, 3}, {2, 4, 3}},
        {{2, 3, 13}, {2, 3, 1}},   // row-wise (keepDim reductions): block path
        {{3, 13}, {3, 1}},
        {{4, 3, 5, 2}, {3, 1, 1}}, // a middle dim
        {{2, 3, 1, 5, 4}, {3, 1, 5, 1}},
        {{3, 1}, {3, 13}},         // the small operand on the left
    };

    static Stream<Arguments> binaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (String op : new String[] {"add", "sub", "mul", "div"})
            for (int[][] c : BROADCASTS) out.add(Arguments.of(op, c[0], c[1]));
        return out.stream();
    }

    static Tensor apply(String op, Tensor a, Tensor b) {
        switch (op) {
            case "add": return Ops.add(a, b);
            case "sub": return Ops.sub(a, b);
            case "mul": return Ops.mul(a, b);
            default: return Ops.div(a, b);
        }
    }

    static float ref(String op, float x, float y) {
        switch (op) {
            case "add": return x + y;
            case "sub": return x - y;
            case "mul": return x * y;
            default: return x / y;
        }
    }

    /** Independent broadcasting reference: decode each output index and re-encode it for a and b. */
    static float[] refBinary(String op, Tensor a, Tensor b, int[] outShape) {
        int n = Tensor.numel(outShape), R = outShape.length;
        float[] y = new float[n];
        for (int o = 0; o < n; o++) {
            int[] idx = new int[R];
            for (int d = R - 1, rem = o; d >= 0; d--) { idx[d] = rem % outShape[d]; rem /= outShape[d]; }
            y[o] = ref(op, a.data[flat(a.shape, idx)], b.data[flat(b.shape, idx)]);
        }
        return y;
    }

    static int flat(int[] shape, int[] outIdx) {
        int f = 0, off = outIdx.length - shape.length;
        for (int d = 0; d < shape.length; d++) f = f * shape[d] + (shape[d] == 1 ? 0 : outIdx[off + d]);
        return f;
    }

    static int[] broadcastShape(int[] a, int[] b) {
        int R = Math.max(a.length, b.length);
        int[] o = new int[R];
        for (int i = 0; i < R; i++) {
            int da = i - (R - a.length) >= 0 ? a[i - (R - a.length)] : 1;
            int db = i - (R - b.length) >= 0 ? b[i - (R - b.length)] : 1;
            o[i] = Math.max(da, db);
        }
        return o;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("binaryCases")
    void binaryForwardMatchesReferenceAndGradientsCheck(String op, int[] as, int[] bs) {
        Rng rng = new Rng(7);
        Tensor a = TestTensors.randn(rng, as);
        // keep divisors away from zero so 1/b is smooth under the finite-difference step
        Tensor b = op.equals("div") ? TestTensors.uniform(rng, 0.5f, 2f, bs) : TestTensors.randn(rng, bs);
        Tensor y = apply(op, a, b);
        int[] os = broadcastShape(as, bs);
        assertArrayEquals(os, y.shape);
        assertClose(op + " forward", refBinary(op, a, b, os), y.data, 1e-6);
        GradCheck.assertGradients(op + " " + y, in -> apply(op, in[0], in[1]), a, b);
    }

    @Test
    void commonBroadcastsTakeTheFastPaths() {
        // {a shape, b shape, expected inner (0 = general index maps)}
        int[][][] cases = {
            {{3, 7}, {3, 7}, {1}}, {{2, 3, 13}, {13}, {1}}, {{2, 3, 13}, {}, {1}}, {{2, 3, 13}, {1, 1, 13}, {1}},
            {{2, 3, 13}, {2, 3, 1}, {13}}, {{4, 3, 5, 2}, {3, 1, 1}, {10}}, {{2, 3, 13}, {2, 1, 13}, {0}}, {{5}, {2, 3, 5}, {0}}};
        for (int[][] c : cases) {
            Broadcast bc = Broadcast.of("test", Tensor.zeros(c[0]), Tensor.zeros(c[1]));
            String what = java.util.Arrays.toString(c[0]) + " with " + java.util.Arrays.toString(c[1]);
            assertEquals(c[2][0] == 0, bc.aIdx != null, what + " index maps");
            if (c[2][0] > 0) assertEquals(c[2][0], bc.inner, what + " inner");
        }
    }

    @Test
    void gradientOnlyFlowsToInputsThatRequireIt() {
        Rng rng = new Rng(1);
        Tensor a = TestTensors.randn(rng, 3, 5).requiresGrad(true);
        Tensor b = TestTensors.randn(rng, 5);
        Tape.backward(Ops.sum(Ops.mul(a, b)));
        assertFalse(b.hasGrad(), "b does not require grad, so no gradient buffer is touched");
        for (int r = 0; r < 3; r++) for (int j = 0; j < 5; j++) assertEquals(b.data[j], a.grad()[r * 5 + j], 1e-6);
    }

    @Test
    void mismatchedShapesThrowNamingBoth() {
        Tensor a = Tensor.zeros(3, 4), b = Tensor.zeros(5);
        for (BinaryOperator<Tensor> f : List.<BinaryOperator<Tensor>>of(Ops::add, Ops::sub, Ops::mul, Ops::div)) {
            ShapeException e = assertThrows(ShapeException.class, () -> f.apply(a, b));
            assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5]"), e.getMessage());
        }
        assertThrows(ShapeException.class, () -> Ops.add(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
    }

    // ---------------------------------------------------------------- unary and scalar ops

    record Unary(String name, UnaryOperator<Tensor> op, DoubleUnaryOperator ref, boolean positiveOnly, boolean kink) {}

    static final double GELU_K = Math.sqrt(2 / Math.PI);

    static List<Unary> unaries() {
        return List.of(
            new Unary("neg", Ops::neg, x -> -x, false, false),
            new Unary("addScalar", t -> Ops.addScalar(t, 1.5f), x -> x + 1.5, false, false),
            new Unary("mulScalar", t -> Ops.mulScalar(t, -2.5f), x -> x * -2.5, false, false),
            new Unary("pow2", t -> Ops.pow(t, 2f), x -> x * x, false, false),
            new Unary("pow3", t -> Ops.pow(t, 3f), x -> x * x * x, false, false),
            new Unary("pow0.5", t -> Ops.pow(t, 0.5f), Math::sqrt, true, false),
            new Unary("pow-1.5", t -> Ops.pow(t, -1.5f), x -> Math.pow(x, -1.5), true, false),
            new Unary("sqrt", Ops::sqrt, Math::sqrt, true, false),
            new Unary("exp", Ops::exp, Math::exp, false, false),
            new Unary("log", Ops::log, Math::log, true, false),
            new Unary("tanh", Ops::tanh, Math::tanh, false, false),
            new Unary("sigmoid", Ops::sigmoid, x -> 1 / (1 + Math.exp(-x)), false, false),
            new Unary("relu", Ops::relu, x -> Math.max(x, 0), false, true),
            new Unary("gelu", Ops::gelu, x -> 0.5 * x * (1 + Math.tanh(GELU_K * (x + 0.044715 * x * x * x))), false, false));
    }

    static final int[][] UNARY_SHAPES = {{}, {1}, {7}, {3, 13}, {2, 3, 17}};

    static Stream<Arguments> unaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : KernelSets.all().toList())
            for (Unary u : unaries()) for (int[] s : UNARY_SHAPES) out.add(Arguments.of(k, u, s));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("unaryCases")
    void unaryForwardMatchesReferenceAndGradientsCheck(Kernels k, Unary u, int[] shape) {
        KernelSets.with(k, () -> {
            Rng rng = new Rng(11);
            Tensor x = u.positiveOnly() ? TestTensors.uniform(rng, 0.5f, 3f, shape)
                : u.kink() ? TestTensors.awayFromZero(rng, 0.1f, shape) : TestTensors.randn(rng, shape);
            Tensor y = u.op().apply(x);
            assertArrayEquals(shape, y.shape);
            float[] expected = new float[x.numel()];
            for (int i = 0; i < expected.length; i++) expected[i] = (float) u.ref().applyAsDouble(x.data[i]);
            assertClose(u.name() + " forward", expected, y.data, 1e-5);
            GradCheck.assertGradients(u.name() + " " + k.name(), in -> u.op().apply(in[0]), x);
        });
    }

    @Test
    void geluGradientAgreesBetweenKernelSets() {
        Rng rng = new Rng(5);
        Tensor x = TestTensors.randn(rng, 3, 37);
        float[][] grads = new float[2][];
        Kernels[] ks = {new ScalarKernels(), Kernels.get()};
        for (int s = 0; s < 2; s++) {
            int si = s;
            KernelSets.with(ks[s], () -> {
                x.requiresGrad(true).zeroGrad();
                Tape.backward(Ops.sum(Ops.mul(Ops.gelu(x), x)));
                grads[si] = x.grad().clone();
            });
        }
        assertClose("gelu grad scalar vs " + ks[1].name(), grads[0], grads[1], 1e-5);
    }

    // ---------------------------------------------------------------- dropout

    @Test
    void dropoutZeroesAboutPAndScalesTheRest() {
        Rng rng = new Rng(3);
        Tensor x = TestTensors.uniform(rng, 1f, 2f, 100, 101);
        float p = 0.3f;
        Tensor y = Ops.dropout(x, p, true, new Rng(42));
        int zeros = 0;
        for (int i = 0; i < y.numel(); i++) {
            if (y.data[i] == 0f) zeros++;
            else assertEquals(x.data[i] / (1 - p), y.data[i], 1e-5);
        }
        double frac = zeros / (double) y.numel();
        assertEquals(p, frac, 0.02, "dropped fraction");
        // same seed, same mask
        assertArrayEquals(y.data, Ops.dropout(x, p, true, new Rng(42)).data);
    }

    @Test
    void dropoutIsIdentityWhenNotTrainingOrPZero() {
        Tensor x = TestTensors.randn(new Rng(1), 4, 7);
        assertSame(x, Ops.dropout(x, 0.5f, false, new Rng(1)));
        assertSame(x, Ops.dropout(x, 0f, true, new Rng(1)));
    }

    @Test
    void dropoutRejectsPOutsideZeroOne() {
        Tensor x = Tensor.zeros(3);
        for (float p : new float[] {1f, -0.1f, 1.5f, Float.NaN})
            assertThrows(IllegalArgumentException.class, () -> Ops.dropout(x, p, true, new Rng(1)), "p=" + p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void dropoutGradient(int[] shape) {
        Tensor x = TestTensors.randn(new Rng(9), shape);
        // a fresh Rng per call keeps the mask fixed across finite-difference evaluations
        GradCheck.assertGradients("dropout", in -> Ops.dropout(in[0], 0.4f, true, new Rng(123)), x);
    }

    static Stream<int[]> shapes() { return Stream.of(new int[] {1}, new int[] {13}, new int[] {3, 17}); }
}
