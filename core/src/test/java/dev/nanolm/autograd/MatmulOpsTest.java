// Matrix products and linear: forward against a double-precision reference, gradients by finite
// differences, for plain, flattened-leading-dims and batched layouts, with both kernel sets.
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatmulOpsTest {

    /** (M, K, N) triples, mostly not multiples of 8. */
    static final int[][] MKN = {{1, 1, 1}, {3, 7, 13}, {17, 5, 3}, {13, 17, 7}, {8, 16, 9}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : KernelSets.all().toList()) for (int[] s : MKN) out.add(Arguments.of(k, s));
        return out.stream();
    }

    /** Reference c[b] = op(a[b]) op(b[b]) in double; ta/tb say whether the stored matrices are transposed. */
    static float[] ref(float[] a, float[] b, int batch, int M, int N, int K, boolean ta, boolean tb) {
        float[] c = new float[batch * M * N];
        for (int q = 0; q < batch; q++)
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++) {
                    double s = 0;
                    for (int k = 0; k < K; k++) {
                        float av = ta ? a[q * K * M + k * M + i] : a[q * M * K + i * K + k];
                        float bv = tb ? b[q * N * K + j * K + k] : b[q * K * N + k * N + j];
                        s += (double) av * bv;
                    }
                    c[q * M * N + i * N + j] = (float) s;
                }
        return c;
    }

    @ParameterizedTest(name = "{0} MKN={1}")
    @MethodSource("cases")
    void matmulPlainAndFlattened(Kernels kern, int[] mkn) {
        int M = mkn[0], K = mkn[1], N = mkn[2];
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(1);
            Tensor a = TestTensors.randn(rng, M, K), b = TestTensors.randn(rng, K, N);
            Tensor c = Ops.matmul(a, b);
            assertArrayEquals(new int[] {M, N}, c.shape);
            assertClose("matmul", ref(a.data, b.data, 1, M, N, K, false, false), c.data, 1e-5);
            GradCheck.assertGradients("matmul", in -> Ops.matmul(in[0], in[1]), a, b);
            // leading dims of a flattened into M
            Tensor a3 = TestTensors.randn(rng, 2, M, K);
            Tensor c3 = Ops.matmul(a3, b);
            assertArrayEquals(new int[] {2, M, N}, c3.shape);
            assertClose("matmul 3d x 2d", ref(a3.data, b.data, 1, 2 * M, N, K, false, false), c3.data, 1e-5);
            GradCheck.assertGradients("matmul 3d x 2d", in -> Ops.matmul(in[0], in[1]), a3, b);
        });
    }

    @ParameterizedTest(name = "{0} MKN={1}")
    @MethodSource("cases")
    void matmulBatched(Kernels kern, int[] mkn) {
        int M = mkn[0], K = mkn[1], N = mkn[2];
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(2);
            Tensor a = TestTensors.randn(rng, 2, 3, M, K), b = TestTensors.randn(rng, 2, 3, K, N);
            Tensor c = Ops.matmul(a, b);
            assertArrayEquals(new int[] {2, 3, M, N}, c.shape);
            assertClose("batched matmul", ref(a.data, b.data, 6, M, N, K, false, false), c.data, 1e-5);
            GradCheck.assertGradients("batched matmul", in -> Ops.matmul(in[0], in[1]), a, b);
        });
    }

    @ParameterizedTest(name = "{0} MKN={1}")
    @MethodSource("cases")
    void matmulNT(Kernels kern, int[] mkn) {
        int M = mkn[0], K = mkn[1], N = mkn[2];
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(3);
            Tensor a = TestTensors.randn(rng, 3, M, K), b = TestTensors.randn(rng, N, K);
            Tensor c = Ops.matmulNT(a, b);
            assertArrayEquals(new int[] {3, M, N}, c.shape);
            assertClose("matmulNT", ref(a.data, b.data, 1, 3 * M, N, K, false, true), c.data, 1e-5);
            GradCheck.assertGradients("matmulNT", in -> Ops.matmulNT(in[0], in[1]), a, b);
            Tensor bb = TestTensors.randn(rng, 3, N, K);
            Tensor cb = Ops.matmulNT(a, bb);
            assertArrayEquals(new int[] {3, M, N}, cb.shape);
            assertClose("batched matmulNT", ref(a.data, bb.data, 3, M, N, K, false, true), cb.data, 1e-5);
            GradCheck.assertGradients("batched matmulNT", in -> Ops.matmulNT(in[0], in[1]), a, bb);
        });
    }

    @ParameterizedTest(name = "{0} MKN={1}")
    @MethodSource("cases")
    void matmulTN(Kernels kern, int[] mkn) {
        int M = mkn[0], K = mkn[1], N = mkn[2];
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(4);
            Tensor a = TestTensors.randn(rng, K, M), b = TestTensors.randn(rng, K, N);
            Tensor c = Ops.matmulTN(a, b);
            assertArrayEquals(new int[] {M, N}, c.shape);
            assertClose("matmulTN", ref(a.data, b.data, 1, M, N, K, true, false), c.data, 1e-5);
            GradCheck.assertGradients("matmulTN", in -> Ops.matmulTN(in[0], in[1]), a, b);
            Tensor ab = TestTensors.randn(rng, 2, 2, K, M), bb = TestTensors.randn(rng, 2, 2, K, N);
            Tensor cb = Ops.matmulTN(ab, bb);
            assertArrayEquals(new int[] {2, 2, M, N}, cb.shape);
            assertClose("batched matmulTN", ref(ab.data, bb.data, 4, M, N, K, true, false), cb.data, 1e-5);
            GradCheck.assertGradients("batched matmulTN", in -> Ops.matmulTN(in[0], in[1]), ab, bb);
        });
    }

    @ParameterizedTest(name = "{0} MKN={1}")
    @MethodSource("cases")
    void linearWithAndWithoutBias(Kernels kern, int[] mkn) {
        int M = mkn[0], in = mkn[1], out = mkn[2];
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(5);
            Tensor x = TestTensors.randn(rng, 2, M, in), w = TestTensors.randn(rng, out, in), b = TestTensors.randn(rng, out);
            Tensor y = Ops.linear(x, w, b);
            assertArrayEquals(new int[] {2, M, out}, y.shape);
            float[] expected = ref(x.data, w.data, 1, 2 * M, out, in, false, true);
            for (int r = 0; r < 2 * M; r++) for (int j = 0; j < out; j++) expected[r * out + j] += b.data[j];
            assertClose("linear", expected, y.data, 1e-5);
            GradCheck.assertGradients("linear", t -> Ops.linear(t[0], t[1], t[2]), x, w, b);
            Tensor y0 = Ops.linear(x, w, null);
            assertClose("linear no bias", ref(x.data, w.data, 1, 2 * M, out, in, false, true), y0.data, 1e-5);
            GradCheck.assertGradients("linear no bias", t -> Ops.linear(t[0], t[1], null), x, w);
        });
    }

    @Test
    void kernelSetsAgreeOnLinearGradients() {
        Rng rng = new Rng(6);
        Tensor x = TestTensors.randn(rng, 5, 19, 23), w = TestTensors.randn(rng, 29, 23), b = TestTensors.randn(rng, 29);
        List<float[]> grads = new ArrayList<>();
        for (Kernels k : new Kernels[] {new dev.nanolm.kernels.ScalarKernels(), Kernels.get()})
            KernelSets.with(k, () -> {
                for (Tensor t : new Tensor[] {x, w, b}) t.requiresGrad(true).zeroGrad();
                Tensor y = Ops.linear(x, w, b);
                Tape.backward(Ops.sum(Ops.mul(y, y)));
                grads.add(y.data.clone());
                grads.add(x.grad().clone());
                grads.add(w.grad().clone());
                grads.add(b.grad().clone());
            });
        String[] names = {"y", "dx", "dw", "db"};
        for (int i = 0; i < 4; i++) assertClose("linear " + names[i] + " scalar vs default kernels", grads.get(i), grads.get(4 + i), 1e-4);
    }

    @Test
    void shapeErrorsNameBothShapes() {
        assertShapeError(() -> Ops.matmul(Tensor.zeros(3, 4), Tensor.zeros(5, 6)), "[3, 4]", "[5, 6]");
        assertShapeError(() -> Ops.matmul(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 4, 5)), "[2, 3, 4]", "[3, 4, 5]");
        assertShapeError(() -> Ops.matmul(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 5, 6)), "[2, 3, 4]", "[2, 5, 6]");
        assertShapeError(() -> Ops.matmulNT(Tensor.zeros(3, 4), Tensor.zeros(5, 6)), "[3, 4]", "[5, 6]");
        assertShapeError(() -> Ops.matmulTN(Tensor.zeros(3, 4), Tensor.zeros(5, 6)), "[3, 4]", "[5, 6]");
        assertShapeError(() -> Ops.linear(Tensor.zeros(3, 4), Tensor.zeros(5, 6), null), "[3, 4]", "[5, 6]");
        assertShapeError(() -> Ops.linear(Tensor.zeros(3, 4), Tensor.zeros(5, 4), Tensor.zeros(6)), "[6]", "[5, 4]");
    }

    static void assertShapeError(org.junit.jupiter.api.function.Executable f, String s1, String s2) {
        ShapeException e = assertThrows(ShapeException.class, f);
        assertTrue(e.getMessage().contains(s1) && e.getMessage().contains(s2), e.getMessage());
    }
}
