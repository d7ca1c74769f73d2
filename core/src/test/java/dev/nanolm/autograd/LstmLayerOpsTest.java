// The fused LSTM layer (Ops.lstmLayer) against the per-step path it replaces (linear, split, sigmoid, tanh, mul, add
// per step, selectRows over padding), forwards and backwards in time, with and without lengths, h0 and c0, with the
// final cell state used or not; and its finite-difference check.
package dev.nanolm.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import org.junit.jupiter.api.Test;

class LstmLayerOpsTest {
    /** {states (B,T,H), final c (B,H)} step by step from the unfused ops, as Lstm.step defines the cell. */
    static Tensor[] perStep(Tensor xg, Tensor w, Tensor bias, Tensor h0, Tensor c0, int[] lengths, boolean reverse) {
        int B = xg.dim(0), T = xg.dim(1), G = xg.dim(2), H = G / 4;
        int[] ones = new int[T];
        java.util.Arrays.fill(ones, 1);
        Tensor[] xs = Ops.split(xg, 1, ones), ys = new Tensor[T];
        Tensor h = h0 != null ? h0 : Tensor.zeros(B, H), c = c0 != null ? c0 : Tensor.zeros(B, H);
        for (int s = 0; s < T; s++) {
            int t = reverse ? T - 1 - s : s;
            Tensor[] p = Ops.split(Ops.add(Ops.view(xs[t], B, G), Ops.linear(h, w, bias)), 1, H, H, H, H);
            Tensor i = Ops.sigmoid(p[0]), f = Ops.sigmoid(p[1]), g = Ops.tanh(p[2]), o = Ops.sigmoid(p[3]);
            Tensor c2 = Ops.add(Ops.mul(f, c), Ops.mul(i, g));
            Tensor h2 = Ops.mul(o, Ops.tanh(c2));
            if (lengths != null) {
                boolean[] real = new boolean[B];
                for (int b = 0; b < B; b++) real[b] = t < lengths[b];
                h2 = Ops.selectRows(real, h2, h);
                c2 = Ops.selectRows(real, c2, c);
            }
            h = h2;
            c = c2;
            ys[t] = Ops.view(h, B, 1, H);
        }
        return new Tensor[] {Ops.concat(1, ys), c};
    }

    @Test
    void matchesThePerStepOpsAndItsGradientsAreRight() {
        int[][] cases = {{1, 1, 1}, {3, 4, 5}, {4, 6, 17}};
        for (int[] cs : cases)
            for (boolean reverse : new boolean[] {false, true})
                for (boolean padded : new boolean[] {false, true}) {
                    int B = cs[0], T = cs[1], H = cs[2];
                    Rng rng = new Rng(B * 1000 + T * 100 + H + (reverse ? 7 : 0) + (padded ? 13 : 0));
                    int[] lengths = null;
                    if (padded) {
                        lengths = new int[B];
                        for (int b = 0; b < B; b++) lengths[b] = 1 + (b * 5 + 3) % T;
                    }
                    // weights of PyTorch's scale (1/sqrt(H)): saturated gates would make the float differences too coarse
                    Tensor xg = TestTensors.randn(rng, B, T, 4 * H), w = TestTensors.mulBy(TestTensors.randn(rng, 4 * H, H), (float) (1 / Math.sqrt(H)));
                    Tensor bias = TestTensors.randn(rng, 4 * H), h0 = TestTensors.randn(rng, B, H), c0 = TestTensors.randn(rng, B, H);
                    Tensor r = TestTensors.randn(rng, B, T, H), rc = TestTensors.randn(rng, B, H);
                    Tensor[] a = copies(xg, w, bias, h0, c0), e = copies(xg, w, bias, h0, c0);
                    Tensor[] fused = Ops.lstmLayer(a[0], a[1], a[2], a[3], a[4], lengths, reverse);
                    Tape.backward(Ops.add(Ops.sum(Ops.mul(fused[0], r)), Ops.sum(Ops.mul(fused[1], rc))));
                    Tensor[] ref = perStep(e[0], e[1], e[2], e[3], e[4], lengths, reverse);
                    Tape.backward(Ops.add(Ops.sum(Ops.mul(ref[0], r)), Ops.sum(Ops.mul(ref[1], rc))));
                    String what = "B=" + B + " T=" + T + " H=" + H + " reverse=" + reverse + " padded=" + padded;
                    TestTensors.assertClose(what + " output", ref[0], fused[0], 1e-5);
                    TestTensors.assertClose(what + " final c", ref[1], fused[1], 1e-5);
                    for (int k = 0; k < 5; k++) TestTensors.assertClose(what + " gradient " + k, e[k].grad(), a[k].grad(), 1e-4);
                    int[] lens = lengths;
                    GradCheck.assertGradients("lstmLayer " + what, in -> both(Ops.lstmLayer(in[0], in[1], in[2], in[3], in[4], lens, reverse)),
                            xg, w, bias, h0, c0);
                    GradCheck.assertGradients("lstmLayer h0=c0=null " + what, in -> Ops.lstmLayer(in[0], in[1], in[2], null, null, lens, reverse)[0],
                            xg, w, bias);
                    // only the final cell state used: the layer's backward must still run
                    GradCheck.assertGradients("lstmLayer c only " + what, in -> Ops.lstmLayer(in[0], in[1], null, null, in[2], lens, reverse)[1],
                            xg, w, c0);
                }
        assertThrows(ShapeException.class, () -> Ops.lstmLayer(Tensor.zeros(2, 3, 8), Tensor.zeros(8, 2), null, Tensor.zeros(2, 3), null, null, false));
        assertThrows(ShapeException.class, () -> Ops.lstmLayer(Tensor.zeros(2, 3, 8), Tensor.zeros(8, 2), null, null, Tensor.zeros(3, 2), null, false));
        assertThrows(ShapeException.class, () -> Ops.lstmLayer(Tensor.zeros(2, 3, 6), Tensor.zeros(6, 2), null, null, null, null, false));
    }

    private static Tensor[] copies(Tensor... ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) out[i] = ts[i].copy().requiresGrad(true);
        return out;
    }

    /** The states and the final cell state as one flat tensor, so one gradient check covers both outputs. */
    private static Tensor both(Tensor[] hc) {
        return Ops.concat(0, Ops.view(hc[0], -1), Ops.view(hc[1], -1));
    }
}
