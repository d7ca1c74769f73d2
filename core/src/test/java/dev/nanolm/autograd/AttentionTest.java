// Fused causal self-attention: gradient checks, agreement with the same attention composed from existing ops (values
// and gradients), dropout (determinism, fraction, gradients under a fixed mask), attendOne against the full op,
// independence from the thread count, T=1, shape errors; with both kernel sets.
package dev.nanolm.autograd;

import static dev.nanolm.testing.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.kernels.AttentionKernels;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.KernelSets;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AttentionTest {

    /** {B, T, C, nHead}: head sizes 8, 4, 12, 6, 8, 24, 5 (most not a multiple of the vector width). */
    static final int[][] SMALL = {{1, 1, 8, 1}, {2, 5, 12, 3}, {1, 9, 24, 2}, {2, 9, 18, 3}, {2, 5, 16, 2}, {1, 5, 24, 1}, {2, 1, 10, 2}};
    /** Several row blocks and column tiles, T not a multiple of 4 or 8, hs 32, 64 and 15. */
    static final int[][] LARGER = {{2, 37, 96, 3}, {1, 70, 128, 2}, {3, 20, 60, 4}};

    static Stream<Arguments> small() { return cases(SMALL); }

    static Stream<Arguments> larger() { return cases(LARGER); }

    static Stream<Arguments> cases(int[][] shapes) {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : KernelSets.all().toList()) for (int[] s : shapes) out.add(Arguments.of(k, s));
        return out.stream();
    }

    static Tensor fused(Tensor qkv, int nHead) { return Ops.causalSelfAttention(qkv, nHead, 0f, false, null); }

    /** The same attention from existing ops, as nanoGPT writes it (without flash attention). */
    static Tensor composed(Tensor qkv, int nHead) {
        int B = qkv.dim(0), T = qkv.dim(1), C = qkv.dim(2) / 3, hs = C / nHead;
        Tensor[] p = Ops.split(qkv, 2, C, C, C);
        Tensor q = Ops.transpose(Ops.view(p[0], B, T, nHead, hs), 1, 2);           // (B,nh,T,hs)
        Tensor k = Ops.transpose(Ops.view(p[1], B, T, nHead, hs), 1, 2);
        Tensor v = Ops.transpose(Ops.view(p[2], B, T, nHead, hs), 1, 2);
        Tensor att = Ops.mulScalar(Ops.matmulNT(q, k), (float) (1.0 / Math.sqrt(hs)));
        Tensor mask = Tensor.zeros(T, T);
        for (int i = 0; i < T; i++) Arrays.fill(mask.data, i * T + i + 1, (i + 1) * T, Float.NEGATIVE_INFINITY);
        att = Ops.softmax(Ops.add(att, mask));
        Tensor y = Ops.matmul(att, v);                                            // (B,nh,T,hs)
        return Ops.reshape(Ops.transpose(y, 1, 2), B, T, C);
    }

    static Tensor qkv(Rng rng, int[] s) { return TestTensors.randn(rng, s[0], s[1], 3 * s[2]); }

    /** Gradient of sum(f(x) * R) w.r.t. x. */
    static float[] grad(Tensor x, UnaryOperator<Tensor> f, Tensor R) {
        Tape.reset();
        x.requiresGrad(true).zeroGrad();
        Tape.backward(Ops.sum(Ops.mul(f.apply(x), R)));
        return x.grad().clone();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("small")
    void gradientCheck(Kernels kern, int[] s) {
        KernelSets.with(kern, () -> {
            Tensor x = qkv(new Rng(11 + s[1]), s);
            GradCheck.assertGradients("attention " + Arrays.toString(s), in -> fused(in[0], s[3]), x);
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource({"small", "larger"})
    void equalsComposedOps(Kernels kern, int[] s) {
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(5 + s[2]);
            Tensor x = TestTensors.mulBy(qkv(rng, s), 1.5f); // sharper softmax than unit scale
            Tensor R = TestTensors.randn(rng, s[0], s[1], s[2]);
            Tensor expected = composed(x, s[3]);
            Tensor actual = fused(x, s[3]);
            assertArrayEquals(new int[] {s[0], s[1], s[2]}, actual.shape);
            assertClose("y", expected, actual, 2e-5);
            assertClose("dqkv", grad(x, t -> composed(t, s[3]), R), grad(x, t -> fused(t, s[3]), R), 1e-4);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nanolm.testing.KernelSets#all")
    void backwardAccumulates(Kernels kern) {
        KernelSets.with(kern, () -> {
            int[] s = {2, 7, 12, 2};
            Rng rng = new Rng(3);
            Tensor x = qkv(rng, s);
            Tensor R = TestTensors.randn(rng, s[0], s[1], s[2]);
            float[] once = grad(x, t -> fused(t, s[3]), R);
            Tape.reset();
            Arrays.fill(x.grad(), 0.5f);
            Tape.backward(Ops.sum(Ops.mul(fused(x, s[3]), R)));
            float[] expected = once.clone();
            for (int i = 0; i < expected.length; i++) expected[i] += 0.5f;
            assertClose("grad += ", expected, x.grad(), 1e-6);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nanolm.testing.KernelSets#all")
    void singlePositionReturnsV(Kernels kern) {
        KernelSets.with(kern, () -> {
            int B = 3, C = 12;
            Tensor x = qkv(new Rng(4), new int[] {B, 1, C});
            Tensor y = Ops.causalSelfAttention(x, 3, 0f, false, null);
            for (int b = 0; b < B; b++)
                for (int c = 0; c < C; c++) assertEquals(x.data[b * 3 * C + 2 * C + c], y.data[b * C + c], 0f, "b " + b + " c " + c);
        });
    }

    // ---------------------------------------------------------------- dropout

    static Tensor dropped(Tensor qkv, int nHead, float p, long seed) { return Ops.causalSelfAttention(qkv, nHead, p, true, new Rng(seed)); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nanolm.testing.KernelSets#all")
    void dropoutIsDeterministicPerSeed(Kernels kern) {
        KernelSets.with(kern, () -> {
            int[] s = {2, 11, 20, 2};
            Rng rng = new Rng(6);
            Tensor x = qkv(rng, s);
            Tensor R = TestTensors.randn(rng, s[0], s[1], s[2]);
            Tensor a = dropped(x, 2, 0.3f, 99), b = dropped(x, 2, 0.3f, 99), c = dropped(x, 2, 0.3f, 100);
            assertArrayEquals(a.data, b.data);
            assertFalse(Arrays.equals(a.data, c.data), "another seed gives another mask");
            assertFalse(Arrays.equals(a.data, fused(x, 2).data), "dropout changes the output");
            assertArrayEquals(grad(x, t -> dropped(t, 2, 0.3f, 99), R), grad(x, t -> dropped(t, 2, 0.3f, 99), R));
        });
    }

    @Test
    void noDropoutOutsideTrainingAndRngUntouched() {
        int[] s = {2, 6, 12, 3};
        Tensor x = qkv(new Rng(7), s);
        Rng rng = new Rng(1);
        Tensor eval = Ops.causalSelfAttention(x, 3, 0.5f, false, rng);
        assertArrayEquals(fused(x, 3).data, eval.data);
        assertEquals(new Rng(1).nextLong(), rng.nextLong(), "rng not drawn from when dropout is off");
        Rng used = new Rng(1);
        Ops.causalSelfAttention(x, 3, 0.5f, true, used);
        Rng expected = new Rng(1);
        for (int i = 0; i < s[0] * s[3]; i++) expected.nextLong();
        assertEquals(expected.nextLong(), used.nextLong(), "one seed per (b,h) drawn from rng");
    }

    /**
     * q = k = 0 gives uniform weights 1/(i+1); v_j one-hot at column j (hs = T) makes y_i[j] the dropped weight itself,
     * so every weight is visible: each is either 0 or 1/((i+1)(1-p)), and about a fraction p of them is 0.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nanolm.testing.KernelSets#all")
    void dropoutFractionAndScale(Kernels kern) {
        KernelSets.with(kern, () -> {
            int B = 8, T = 32, nHead = 2, hs = T, C = nHead * hs;
            float p = 0.25f;
            Tensor x = Tensor.zeros(B, T, 3 * C);
            for (int b = 0; b < B; b++)
                for (int t = 0; t < T; t++)
                    for (int h = 0; h < nHead; h++) x.data[(b * T + t) * 3 * C + 2 * C + h * hs + t] = 1f;
            Tensor y = dropped(x, nHead, p, 2024);
            int dropped = 0, total = 0;
            for (int b = 0; b < B; b++)
                for (int t = 0; t < T; t++)
                    for (int h = 0; h < nHead; h++)
                        for (int j = 0; j < hs; j++) {
                            float v = y.data[(b * T + t) * C + h * hs + j];
                            if (j > t) { assertEquals(0f, v, "no weight on a later position"); continue; }
                            total++;
                            if (v == 0f) dropped++;
                            else assertEquals(1.0 / ((t + 1) * (1 - p)), v, 1e-6, "kept weight scaled by 1/(1-p)");
                        }
            // 8448 draws: the standard deviation of the fraction is 0.0047; 0.025 is over 5 of them
            assertEquals(p, dropped / (double) total, 0.025, "fraction dropped");
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("small")
    void gradientCheckWithDropout(Kernels kern, int[] s) {
        KernelSets.with(kern, () -> {
            Tensor x = qkv(new Rng(21 + s[1]), s);
            // a fresh Rng with the same seed at every evaluation: the same mask each time
            GradCheck.assertGradients("attention with dropout " + Arrays.toString(s), in -> dropped(in[0], s[3], 0.3f, 77), x);
        });
    }

    // ---------------------------------------------------------------- KV cache, threads, errors

    /** attendOne over the first t+1 positions is row t of the full op, bit for bit (same products, same order). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource({"small", "larger"})
    void attendOneEqualsFullOpRows(Kernels kern, int[] s) {
        KernelSets.with(kern, () -> {
            int T = s[1], C = s[2], nHead = s[3], hs = C / nHead, blockSize = T + 3;
            Tensor x = qkv(new Rng(31 + T), new int[] {1, T, C});
            Tensor y = fused(x, nHead);
            float[] kc = new float[blockSize * C], vc = new float[blockSize * C];
            for (int t = 0; t < T; t++) {
                System.arraycopy(x.data, t * 3 * C + C, kc, t * C, C);
                System.arraycopy(x.data, t * 3 * C + 2 * C, vc, t * C, C);
            }
            AttentionKernels ak = AttentionKernels.of(kern);
            float[] scratch = new float[ak.scratchSize(T)];
            for (int t = 0; t < T; t++) {
                float[] out = new float[C + 5];
                ak.attendOne(x.data, t * 3 * C, kc, vc, t + 1, nHead, hs, C, out, 5, scratch);
                assertArrayEquals(Arrays.copyOfRange(y.data, t * C, (t + 1) * C), Arrays.copyOfRange(out, 5, 5 + C), "row " + t);
            }
            if (kern.name().equals(Kernels.get().name())) {
                float[] out = new float[C];
                AttentionKernels.attendOne(x.data, (T - 1) * 3 * C, kc, vc, T, nHead, hs, C, out, 0);
                assertArrayEquals(Arrays.copyOfRange(y.data, (T - 1) * C, T * C), out, "static attendOne");
            }
        });
    }

    @Test
    void sameBitsWithOneOrTwoThreads() {
        int before = Parallel.threads();
        int[] s = {3, 13, 24, 3};
        Rng rng = new Rng(8);
        Tensor x = qkv(rng, s);
        Tensor R = TestTensors.randn(rng, s[0], s[1], s[2]);
        float[][] y = new float[2][], g = new float[2][];
        try {
            for (int n = 1; n <= 2; n++) {
                Parallel.setThreads(n);
                y[n - 1] = dropped(x, s[3], 0.2f, 5).data;
                g[n - 1] = grad(x, t -> dropped(t, s[3], 0.2f, 5), R);
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertArrayEquals(y[0], y[1], "forward");
        assertArrayEquals(g[0], g[1], "backward");
    }

    @Test
    void recordsOnlyWhenNeeded() {
        Tape.reset();
        Tensor x = qkv(new Rng(9), new int[] {1, 4, 8});
        fused(x, 2);
        assertEquals(0, Tape.size(), "input without grad: nothing recorded");
        x.requiresGrad(true);
        try (var g = Tape.noGrad()) {
            fused(x, 2);
        }
        assertEquals(0, Tape.size(), "no-grad scope: nothing recorded");
        Tensor y = fused(x, 2);
        assertEquals(1, Tape.size());
        assertTrue(y.requiresGrad);
        Tape.reset();
    }

    @Test
    void shapeErrors() {
        assertThrows(ShapeException.class, () -> Ops.causalSelfAttention(Tensor.zeros(1, 4, 30), 3, 0f, false, null), "C=10, 3 heads");
        assertThrows(ShapeException.class, () -> Ops.causalSelfAttention(Tensor.zeros(4, 24), 2, 0f, false, null), "rank 2");
        assertThrows(ShapeException.class, () -> Ops.causalSelfAttention(Tensor.zeros(1, 4, 25), 1, 0f, false, null), "3C");
        assertThrows(ShapeException.class, () -> Ops.causalSelfAttention(Tensor.zeros(1, 4, 24), 0, 0f, false, null), "0 heads");
        assertThrows(IllegalArgumentException.class, () -> Ops.causalSelfAttention(Tensor.zeros(1, 4, 24), 2, 1f, true, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> Ops.causalSelfAttention(Tensor.zeros(1, 4, 24), 2, 0.1f, true, null));
        assertEquals(0, Ops.causalSelfAttention(Tensor.zeros(2, 0, 24), 2, 0f, false, null).numel());
    }
}
