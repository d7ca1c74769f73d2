// BDH's attention ops: RoPE and the fused strictly causal linear attention against the same maths composed from
// elementary ops (values and gradients), finite-difference checks on both kernel sets, causality, shape errors.
package dev.nanolm.autograd;

import static dev.nanolm.autograd.NormTest.assertSame;
import static dev.nanolm.autograd.NormTest.valueAndGrads;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.KernelSets;
import dev.nanolm.testing.TestTensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LinearAttentionTest {
    @AfterEach void clearTape() { Tape.reset(); }

    static java.util.stream.Stream<Kernels> kernels() { return KernelSets.all(); }

    /** Random phase tables (T,N) whose pairs share a phase, as bdh.py's quantised frequencies make them. */
    static float[][] tables(Rng rng, int T, int N) {
        float[] c = new float[T * N], s = new float[T * N];
        for (int i = 0; i < T * N; i += 2) {
            double a = rng.nextFloat() * 2 * Math.PI;
            c[i] = c[i + 1] = (float) Math.cos(a);
            s[i] = s[i + 1] = (float) Math.sin(a);
        }
        return new float[][] {c, s};
    }

    /** bdh.py's rope from elementary ops: x * cos + (x @ R) * sin, R the (N,N) matrix of interleave(-x[1::2], x[::2]). */
    static Tensor composedRope(Tensor x, float[] cos, float[] sin) {
        int T = x.dim(-2), N = x.dim(-1);
        Tensor R = Tensor.zeros(N, N);
        for (int i = 0; i < N; i += 2) {
            R.data[(i + 1) * N + i] = -1f; // out[2i] = -x[2i+1]
            R.data[i * N + i + 1] = 1f;    // out[2i+1] = x[2i]
        }
        Tensor c = Tensor.of(java.util.Arrays.copyOf(cos, T * N), T, N), s = Tensor.of(java.util.Arrays.copyOf(sin, T * N), T, N);
        return Ops.add(Ops.mul(x, c), Ops.mul(Ops.matmul(x, R), s));
    }

    /** bdh.py's attention from elementary ops: (q q^T) * strict lower mask, @ v repeated over the heads. */
    static Tensor composedAttention(Tensor q, Tensor v) {
        int B = q.dim(0), nh = q.dim(1), T = q.dim(2), D = v.dim(2);
        Tensor mask = Tensor.zeros(T, T);
        for (int t = 0; t < T; t++) for (int s = 0; s < t; s++) mask.data[t * T + s] = 1f;
        Tensor scores = Ops.mul(Ops.matmulNT(q, q), mask);                   // (B,nh,T,T)
        Tensor[] heads = new Tensor[nh];
        java.util.Arrays.fill(heads, Ops.view(v, B, 1, T, D));
        return Ops.matmul(scores, Ops.concat(1, heads));                     // (B,nh,T,D)
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void ropeMatchesComposedOpsAndFiniteDifferences(Kernels kern) {
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(1);
            int T = 5, N = 6;
            float[][] cs = tables(rng, T + 2, N); // longer tables than T: the first T rows are used
            Tensor x = TestTensors.randn(rng, 2, 3, T, N), R = TestTensors.randn(rng, 2, 3, T, N);
            assertSame("rope vs composed", valueAndGrads(in -> composedRope(in[0], cs[0], cs[1]), R, x),
                    valueAndGrads(in -> Ops.rope(in[0], cs[0], cs[1]), R, x), 1e-5);
            GradCheck.assertGradients("rope", in -> Ops.rope(in[0], cs[0], cs[1]), x);
            // a pair turns by one angle: its length is kept
            Tensor y = Ops.rope(x, cs[0], cs[1]);
            for (int i = 0; i < x.numel(); i += 2)
                assertEquals(Math.hypot(x.data[i], x.data[i + 1]), Math.hypot(y.data[i], y.data[i + 1]), 1e-5);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void causalLinearAttentionMatchesComposedOpsAndFiniteDifferences(Kernels kern) {
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(2);
            int B = 2, nh = 3, T = 7, N = 5, D = 4;
            Tensor q = TestTensors.randn(rng, B, nh, T, N), v = TestTensors.randn(rng, B, T, D), R = TestTensors.randn(rng, B, nh, T, D);
            assertSame("linear attention vs composed", valueAndGrads(in -> composedAttention(in[0], in[1]), R, q, v),
                    valueAndGrads(in -> Ops.causalLinearAttention(in[0], in[1]), R, q, v), 1e-4);
            GradCheck.assertGradients("causalLinearAttention", in -> Ops.causalLinearAttention(in[0], in[1]), q, v);
        });
    }

    @Test void attentionIsStrictlyCausal() {
        Rng rng = new Rng(3);
        int T = 6, P = 3;
        Tensor q = TestTensors.randn(rng, 1, 2, T, 4), v = TestTensors.randn(rng, 1, T, 3);
        Tensor a = Ops.causalLinearAttention(q, v);
        for (int h = 0; h < 2; h++) for (int d = 0; d < 3; d++) assertEquals(0f, a.data[h * T * 3 + d], "position 0 sees nothing");
        // position P's query (= key) reaches positions >= P; its value only positions > P (a position never sees itself)
        Tensor q2 = q.copy(), v2 = v.copy();
        for (int h = 0; h < 2; h++) for (int n = 0; n < 4; n++) q2.data[(h * T + P) * 4 + n] += 1f;
        for (int d = 0; d < 3; d++) v2.data[P * 3 + d] += 1f;
        Tensor byQ = Ops.causalLinearAttention(q2, v), byV = Ops.causalLinearAttention(q, v2);
        for (int h = 0; h < 2; h++)
            for (int t = 0; t < T; t++) {
                int i = (h * T + t) * 3;
                if (t < P) assertEquals(a.data[i], byQ.data[i], 1e-6, "q: h" + h + " t" + t);
                else assertNotEquals(a.data[i], byQ.data[i], "q: h" + h + " t" + t);
                if (t <= P) assertEquals(a.data[i], byV.data[i], 1e-6, "v: h" + h + " t" + t);
                else assertNotEquals(a.data[i], byV.data[i], "v: h" + h + " t" + t);
            }
    }

    @Test void shapeErrors() {
        assertThrows(ShapeException.class, () -> Ops.causalLinearAttention(Tensor.zeros(1, 2, 5, 4), Tensor.zeros(1, 4, 3)));
        assertThrows(ShapeException.class, () -> Ops.causalLinearAttention(Tensor.zeros(2, 5, 4), Tensor.zeros(2, 5, 3)));
        assertThrows(ShapeException.class, () -> Ops.rope(Tensor.zeros(2, 5, 3), new float[15], new float[15]));
        assertThrows(ShapeException.class, () -> Ops.rope(Tensor.zeros(2, 5, 4), new float[16], new float[16]));
    }
}
