// Padded-sequence ops: masked mean and max over time, the last real step, per-row selection; values against
// plain loops and gradients by finite differences; bad lengths are ShapeExceptions.
package dev.nanolm.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import org.junit.jupiter.api.Test;

class SeqOpsTest {
    static final int B = 3, T = 5, H = 4;
    static final int[] LENS = {5, 2, 1};

    @Test
    void valuesMatchLoops() {
        Tensor x = TestTensors.randn(new Rng(3), B, T, H);
        Tensor mean = Ops.maskedMean(x, LENS, false), all = Ops.maskedMean(x, LENS, true);
        Tensor max = Ops.maskedMax(x, LENS), last = Ops.lastStep(x, LENS);
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                double s = 0, sAll = 0, m = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < T; t++) {
                    float v = x.data[(b * T + t) * H + h];
                    sAll += v;
                    if (t < LENS[b]) { s += v; m = Math.max(m, v); }
                }
                assertEquals(s / LENS[b], mean.data[b * H + h], 1e-6);
                assertEquals(sAll / T, all.data[b * H + h], 1e-6);
                assertEquals(m, max.data[b * H + h], 0);
                assertEquals(x.data[(b * T + LENS[b] - 1) * H + h], last.data[b * H + h], 0);
            }
        Tensor a = TestTensors.randn(new Rng(4), B, H), o = TestTensors.randn(new Rng(5), B, H);
        Tensor sel = Ops.selectRows(new boolean[] {true, false, true}, a, o);
        assertEquals(a.data[0], sel.data[0]);
        assertEquals(o.data[H], sel.data[H]);
        assertEquals(a.data[2 * H + 3], sel.data[2 * H + 3]);
    }

    @Test
    void gradients() {
        Tensor x = TestTensors.randn(new Rng(7), B, T, H);
        GradCheck.assertGradients("maskedMean", in -> Ops.maskedMean(in[0], LENS, false), x);
        GradCheck.assertGradients("maskedMean incl. padding", in -> Ops.maskedMean(in[0], LENS, true), x);
        // max has kinks at ties: distinct values 0.15 apart keep every maximum unique under the +-2h perturbations
        Tensor spread = Tensor.zeros(B, T, H);
        int[] perm = new int[spread.numel()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        new Rng(11).shuffle(perm);
        for (int i = 0; i < perm.length; i++) spread.data[i] = 0.15f * (perm[i] - perm.length / 2);
        GradCheck.assertGradients("maskedMax", in -> Ops.maskedMax(in[0], LENS), spread);
        GradCheck.assertGradients("lastStep", in -> Ops.lastStep(in[0], LENS), x);
        Tensor a = TestTensors.randn(new Rng(8), B, H), o = TestTensors.randn(new Rng(9), B, H);
        GradCheck.assertGradients("selectRows", in -> Ops.selectRows(new boolean[] {false, true, true}, in[0], in[1]), a, o);
        // padded steps get no gradient from the masked ops
        x.zeroGrad();
        Tape.backward(Ops.sum(Ops.add(Ops.maskedMean(x, LENS, false), Ops.maskedMax(x, LENS))));
        for (int b = 0; b < B; b++)
            for (int t = LENS[b]; t < T; t++)
                for (int h = 0; h < H; h++) assertEquals(0f, x.grad()[(b * T + t) * H + h]);
    }

    @Test
    void badLengths() {
        Tensor x = Tensor.zeros(2, 3, 1);
        assertThrows(ShapeException.class, () -> Ops.maskedMean(x, new int[] {1}, false));
        assertThrows(ShapeException.class, () -> Ops.maskedMax(x, new int[] {0, 1}));
        assertThrows(ShapeException.class, () -> Ops.lastStep(x, new int[] {1, 4}));
        assertThrows(ShapeException.class, () -> Ops.maskedMean(Tensor.zeros(2, 3), new int[] {1, 1}, false));
    }
}
