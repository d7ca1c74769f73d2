// The fused GRU layer (Ops.gruLayer) against the per-step path it replaces (linear + gruCell, selectRows over
// padding), forwards and backwards in time, with and without lengths and h0; and its finite-difference check.
package dev.nanolm.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import org.junit.jupiter.api.Test;

class GruLayerOpsTest {
    /** The recurrence step by step from the unfused ops, as Recurrent runs it for cells without a fused layer. */
    static Tensor perStep(Tensor xg, Tensor w, Tensor bias, Tensor h0, int[] lengths, boolean reverse) {
        int B = xg.dim(0), T = xg.dim(1), G = xg.dim(2), H = G / 3;
        int[] ones = new int[T];
        java.util.Arrays.fill(ones, 1);
        Tensor[] xs = Ops.split(xg, 1, ones), ys = new Tensor[T];
        Tensor h = h0 != null ? h0 : Tensor.zeros(B, H);
        for (int s = 0; s < T; s++) {
            int t = reverse ? T - 1 - s : s;
            Tensor next = Ops.gruCell(Ops.view(xs[t], B, G), Ops.linear(h, w, bias), h);
            if (lengths != null) {
                boolean[] real = new boolean[B];
                for (int b = 0; b < B; b++) real[b] = t < lengths[b];
                next = Ops.selectRows(real, next, h);
            }
            h = next;
            ys[t] = Ops.view(h, B, 1, H);
        }
        return Ops.concat(1, ys);
    }

    @Test
    void matchesThePerStepOpsAndItsGradientsAreRight() {
        int[][] cases = {{1, 1, 1}, {3, 4, 5}, {4, 6, 17}};
        for (int[] c : cases)
            for (boolean reverse : new boolean[] {false, true})
                for (boolean padded : new boolean[] {false, true}) {
                    int B = c[0], T = c[1], H = c[2];
                    Rng rng = new Rng(B * 1000 + T * 100 + H + (reverse ? 7 : 0) + (padded ? 13 : 0));
                    int[] lengths = null;
                    if (padded) {
                        lengths = new int[B];
                        for (int b = 0; b < B; b++) lengths[b] = 1 + (b * 5 + 3) % T;
                    }
                    // weights of PyTorch's scale (1/sqrt(H)): saturated gates would make the float differences too coarse
                    Tensor xg = TestTensors.randn(rng, B, T, 3 * H), w = TestTensors.mulBy(TestTensors.randn(rng, 3 * H, H), (float) (1 / Math.sqrt(H)));
                    Tensor bias = TestTensors.randn(rng, 3 * H), h0 = TestTensors.randn(rng, B, H);
                    Tensor r = TestTensors.randn(rng, B, T, H);
                    Tensor[] a = {xg.copy().requiresGrad(true), w.copy().requiresGrad(true), bias.copy().requiresGrad(true), h0.copy().requiresGrad(true)};
                    Tensor[] e = {xg.copy().requiresGrad(true), w.copy().requiresGrad(true), bias.copy().requiresGrad(true), h0.copy().requiresGrad(true)};
                    Tensor fused = Ops.gruLayer(a[0], a[1], a[2], a[3], lengths, reverse);
                    Tape.backward(Ops.sum(Ops.mul(fused, r)));
                    Tensor ref = perStep(e[0], e[1], e[2], e[3], lengths, reverse);
                    Tape.backward(Ops.sum(Ops.mul(ref, r)));
                    String what = "B=" + B + " T=" + T + " H=" + H + " reverse=" + reverse + " padded=" + padded;
                    TestTensors.assertClose(what + " output", ref, fused, 1e-5);
                    for (int k = 0; k < 4; k++) TestTensors.assertClose(what + " gradient " + k, e[k].grad(), a[k].grad(), 1e-4);
                    int[] lens = lengths;
                    GradCheck.assertGradients("gruLayer " + what, in -> Ops.gruLayer(in[0], in[1], in[2], in[3], lens, reverse),
                            xg, w, bias, h0);
                    GradCheck.assertGradients("gruLayer h0=null " + what, in -> Ops.gruLayer(in[0], in[1], in[2], null, lens, reverse),
                            xg, w, bias);
                }
        assertThrows(ShapeException.class, () -> Ops.gruLayer(Tensor.zeros(2, 3, 6), Tensor.zeros(6, 2), null, Tensor.zeros(2, 3), null, false));
        assertThrows(ShapeException.class, () -> Ops.gruLayer(Tensor.zeros(2, 3, 6), Tensor.zeros(6, 3), null, null, null, false));
    }
}
