// Fused cross-entropy: value against a double-precision reference and against the composed
// -mean(pick(logSoftmax)), gradients by finite differences, ignoreIndex handling and target checks.
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

class CrossEntropyTest {

    /** {N rows as (B,T), C}. */
    static final int[][] SHAPES = {{1, 1, 1}, {1, 1, 7}, {2, 3, 13}, {3, 7, 17}, {1, 5, 65}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : KernelSets.all().toList()) for (int[] s : SHAPES) out.add(Arguments.of(k, s));
        return out.stream();
    }

    static double refLoss(Tensor logits, int[] t, int ignore) {
        int C = logits.dim(-1), N = logits.numel() / C, count = 0;
        double loss = 0;
        for (int r = 0; r < N; r++) {
            if (t[r] == ignore) continue;
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < C; j++) max = Math.max(max, logits.data[r * C + j]);
            for (int j = 0; j < C; j++) s += Math.exp(logits.data[r * C + j] - max);
            loss -= logits.data[r * C + t[r]] - max - Math.log(s);
            count++;
        }
        return count == 0 ? 0 : loss / count;
    }

    /** -mean over kept rows of logSoftmax picked by a one-hot mask, built from other ops. */
    static Tensor composed(Tensor logits, int[] t, int ignore) {
        int C = logits.dim(-1), N = logits.numel() / C, count = 0;
        Tensor onehot = Tensor.zeros(logits.shape);
        for (int r = 0; r < N; r++) if (t[r] != ignore) { onehot.data[r * C + t[r]] = 1f; count++; }
        return Ops.mulScalar(Ops.sum(Ops.mul(Ops.logSoftmax(logits), onehot)), -1f / count);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesReferenceComposedAndFiniteDifferences(Kernels kern, int[] s) {
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(17);
            int N = s[0] * s[1], C = s[2];
            Tensor logits = TestTensors.mulBy(TestTensors.randn(rng, s), 2f);
            int[] t = TestTensors.ints(rng, N, C);
            for (int ignore : new int[] {-1, -100}) {
                int[] tt = t.clone();
                if (ignore == -100 && N > 1) { tt[0] = -100; tt[N - 1] = -100; } // some rows ignored
                Tensor loss = Ops.crossEntropy(logits, tt, ignore);
                assertArrayEquals(new int[0], loss.shape, "scalar loss");
                assertEquals(refLoss(logits, tt, ignore), loss.item(), 1e-5 * Math.max(1, loss.item()));
                GradCheck.assertGradients("crossEntropy", in -> Ops.crossEntropy(in[0], tt, ignore), logits);

                // composed version: same value and same gradient
                logits.requiresGrad(true).zeroGrad();
                Tape.backward(Ops.crossEntropy(logits, tt, ignore));
                float[] fused = logits.grad().clone();
                logits.zeroGrad();
                Tensor c = composed(logits, tt, ignore);
                assertEquals(c.item(), loss.item(), 1e-5 * Math.max(1, loss.item()));
                Tape.backward(c);
                assertClose("crossEntropy grad vs composed", logits.grad(), fused, 1e-5);
            }
        });
    }

    @Test
    void defaultIgnoreIndexIsMinusOne() {
        Rng rng = new Rng(2);
        Tensor logits = TestTensors.randn(rng, 4, 5);
        int[] t = {1, -1, 3, 0};
        assertEquals(refLoss(logits, t, -1), Ops.crossEntropy(logits, t).item(), 1e-6);
        assertEquals(Ops.crossEntropy(logits, t, -1).item(), Ops.crossEntropy(logits, t).item());
    }

    @Test
    void allIgnoredGivesZeroLossAndZeroGradient() {
        Tensor logits = TestTensors.randn(new Rng(3), 3, 5).requiresGrad(true);
        Tensor loss = Ops.crossEntropy(logits, new int[] {-1, -1, -1});
        assertEquals(0f, loss.item());
        Tape.backward(loss);
        for (float g : logits.grad()) assertEquals(0f, g);
    }

    @Test
    void targetOutOfRangeThrowsNamingTheIndex() {
        Tensor logits = Tensor.zeros(3, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Ops.crossEntropy(logits, new int[] {0, 5, 1}));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ops.crossEntropy(logits, new int[] {0, 1, -2}));
        assertThrows(IllegalArgumentException.class, () -> Ops.crossEntropy(logits, new int[] {0, -1, 1}, 7));
    }

    @Test
    void targetCountMustMatchRows() {
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.crossEntropy(Tensor.zeros(2, 3, 5), new int[] {0, 1, 2}));
        assertTrue(e.getMessage().contains("[2, 3, 5]"), e.getMessage());
    }

    @Test
    void targetsArrayMayBeReusedBeforeBackward() {
        Tensor logits = TestTensors.randn(new Rng(4), 2, 4).requiresGrad(true);
        int[] t = {1, 2};
        Tensor loss = Ops.crossEntropy(logits, t);
        t[0] = 3; t[1] = 0; // a data loader refilling its buffer
        Tape.backward(loss);
        // row 0's target stays 1: its gradient there is negative (softmax - 1)
        assertTrue(logits.grad()[1] < 0 && logits.grad()[3] > 0);
    }
}
