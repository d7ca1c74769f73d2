// The fused GRU step against the same equations composed from elementwise ops (values and gradients), and its
// own finite-difference gradient check.
package dev.nanolm.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import org.junit.jupiter.api.Test;

class CellOpsTest {
    static Tensor composed(Tensor xg, Tensor hp, Tensor h) {
        int H = h.dim(1);
        Tensor[] x = Ops.split(xg, 1, 2 * H, H), p = Ops.split(hp, 1, 2 * H, H);
        Tensor[] rz = Ops.split(Ops.sigmoid(Ops.add(x[0], p[0])), 1, H, H);
        Tensor n = Ops.tanh(Ops.add(x[1], Ops.mul(rz[0], p[1])));
        return Ops.add(n, Ops.mul(rz[1], Ops.sub(h, n)));
    }

    @Test
    void matchesTheComposedOpsAndItsGradientsAreRight() {
        for (int[] bh : new int[][] {{1, 1}, {3, 5}, {4, 17}}) {
            int B = bh[0], H = bh[1];
            Rng rng = new Rng(B * 100 + H);
            Tensor xg = TestTensors.randn(rng, B, 3 * H), hp = TestTensors.randn(rng, B, 3 * H), h = TestTensors.randn(rng, B, H);
            Tensor[] a = {xg.copy().requiresGrad(true), hp.copy().requiresGrad(true), h.copy().requiresGrad(true)};
            Tensor[] c = {xg.copy().requiresGrad(true), hp.copy().requiresGrad(true), h.copy().requiresGrad(true)};
            Tensor r = TestTensors.randn(rng, B, H);
            Tensor fused = Ops.gruCell(a[0], a[1], a[2]);
            Tape.backward(Ops.sum(Ops.mul(fused, r)));
            Tensor ref = composed(c[0], c[1], c[2]);
            Tape.backward(Ops.sum(Ops.mul(ref, r)));
            for (int i = 0; i < fused.numel(); i++) assertEquals(ref.data[i], fused.data[i], 1e-6f);
            for (int k = 0; k < 3; k++)
                for (int i = 0; i < a[k].numel(); i++) assertEquals(c[k].grad()[i], a[k].grad()[i], 1e-5f, "input " + k + " element " + i);
            GradCheck.assertGradients("gruCell B=" + B + " H=" + H, in -> Ops.gruCell(in[0], in[1], in[2]), xg, hp, h);
        }
        assertThrows(ShapeException.class, () -> Ops.gruCell(Tensor.zeros(2, 6), Tensor.zeros(2, 6), Tensor.zeros(2, 3)));
    }
}
