// Shape ops: concat, split, reshape/view (shared gradient, no tape entry), transpose; values and gradients.
package dev.nanolm.autograd;

import static dev.nanolm.testing.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShapeOpsTest {

    static Stream<Arguments> concatCases() {
        return Stream.of(Arguments.of(0), Arguments.of(1), Arguments.of(2), Arguments.of(-1), Arguments.of(-3));
    }

    @ParameterizedTest(name = "dim {0}")
    @MethodSource("concatCases")
    void concatValuesAndGradients(int dim) {
        Rng rng = new Rng(1);
        int d = dim < 0 ? dim + 3 : dim;
        int[] base = {2, 3, 5};
        int[] sizes = {1, 3, 7};
        Tensor[] ts = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            int[] s = base.clone();
            s[d] = sizes[i];
            ts[i] = TestTensors.randn(rng, s);
        }
        Tensor y = Ops.concat(dim, ts);
        int[] expShape = base.clone();
        expShape[d] = 11;
        assertArrayEquals(expShape, y.shape);
        // every element of y comes from the input owning its index along d
        int inner = 1, outer = 1;
        for (int i = d + 1; i < 3; i++) inner *= expShape[i];
        for (int i = 0; i < d; i++) outer *= expShape[i];
        for (int o = 0; o < outer; o++)
            for (int j = 0, t = 0, start = 0; j < 11; j++) {
                if (j - start >= sizes[t]) { start += sizes[t]; t++; }
                for (int i = 0; i < inner; i++)
                    assertEquals(ts[t].data[(o * sizes[t] + (j - start)) * inner + i], y.data[(o * 11 + j) * inner + i]);
            }
        GradCheck.assertGradients("concat", in -> Ops.concat(dim, in), ts);

        Tensor[] back = Ops.split(y, dim, sizes);
        for (int i = 0; i < 3; i++) assertClose("split(concat)", ts[i], back[i], 0);
    }

    @Test
    void splitGradientsPerPiece() {
        Rng rng = new Rng(2);
        Tensor x = TestTensors.randn(rng, 3, 13, 2);
        int[] sizes = {4, 0, 9};
        for (int p = 0; p < sizes.length; p++) {
            int pp = p;
            Tensor piece = Ops.split(x, 1, sizes)[p];
            assertArrayEquals(new int[] {3, sizes[p], 2}, piece.shape);
            GradCheck.assertGradients("split piece " + p, in -> Ops.split(in[0], -2, sizes)[pp], x);
        }
        // all pieces used: the gradients of the pieces tile x's gradient
        x.requiresGrad(true).zeroGrad();
        Tensor[] pcs = Ops.split(x, 1, sizes);
        Tape.backward(Ops.add(Ops.sum(Ops.mulScalar(pcs[0], 2f)), Ops.sum(Ops.mulScalar(pcs[2], 3f))));
        for (int o = 0; o < 3; o++) for (int j = 0; j < 13; j++) for (int i = 0; i < 2; i++)
            assertEquals(j < 4 ? 2f : 3f, x.grad()[(o * 13 + j) * 2 + i]);
    }

    @Test
    void concatAndSplitShapeErrors() {
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.concat(1, Tensor.zeros(2, 3), Tensor.zeros(3, 3)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 3]"), e.getMessage());
        assertThrows(ShapeException.class, () -> Ops.concat(0, Tensor.zeros(2, 3), Tensor.zeros(2)));
        e = assertThrows(ShapeException.class, () -> Ops.split(Tensor.zeros(2, 5), 1, 2, 2));
        assertTrue(e.getMessage().contains("[2, 5]"), e.getMessage());
    }

    @Test
    void reshapeSharesDataAndGradientWithoutTapeEntry() {
        Rng rng = new Rng(3);
        Tensor x = TestTensors.randn(rng, 3, 4).requiresGrad(true);
        Tape.reset();
        Tensor v = Ops.reshape(x, 2, -1);
        assertEquals(0, Tape.size(), "a view needs no tape entry");
        assertArrayEquals(new int[] {2, 6}, v.shape);
        assertSame(x.data, v.data);
        assertTrue(v.requiresGrad);
        Tensor r = TestTensors.randn(rng, 2, 6);
        Tape.backward(Ops.sum(Ops.mul(v, r)));
        assertArrayEquals(r.data, x.grad(), "gradient of the view lands in x");

        // a view of an op's output passes its gradient back through that op
        x.zeroGrad();
        Tensor sq = Ops.view(Ops.mul(x, x), 12);
        Tape.backward(Ops.sum(sq));
        for (int i = 0; i < 12; i++) assertEquals(2 * x.data[i], x.grad()[i], 1e-6);

        GradCheck.assertGradients("reshape", in -> Ops.reshape(Ops.mul(in[0], in[0]), 4, 3), x);
        GradCheck.assertGradients("view", in -> Ops.mul(Ops.view(in[0], 12), Ops.view(in[0], 12)), x);
        assertThrows(ShapeException.class, () -> Ops.reshape(x, 5, -1));
    }

    static Stream<Arguments> transposeCases() {
        return Stream.of(Arguments.of(new int[] {3, 7}, 0, 1), Arguments.of(new int[] {2, 3, 5}, 0, 2),
            Arguments.of(new int[] {2, 3, 5}, 1, -1), Arguments.of(new int[] {2, 3, 5, 7}, 1, 2),
            Arguments.of(new int[] {2, 3, 5, 7}, -1, 0), Arguments.of(new int[] {4, 1, 3}, 1, 1));
    }

    @ParameterizedTest(name = "{0} ({1},{2})")
    @MethodSource("transposeCases")
    void transposeValuesAndGradients(int[] shape, int d0, int d1) {
        Tensor x = TestTensors.randn(new Rng(4), shape);
        Tensor y = Ops.transpose(x, d0, d1);
        int p = d0 < 0 ? d0 + shape.length : d0, q = d1 < 0 ? d1 + shape.length : d1;
        int[] ys = shape.clone();
        ys[p] = shape[q];
        ys[q] = shape[p];
        assertArrayEquals(ys, y.shape);
        assertNotSame(x.data, y.data, "transpose copies");
        // y[idx with p,q swapped] == x[idx]
        int n = x.numel(), R = shape.length;
        for (int f = 0; f < n; f++) {
            int[] idx = new int[R];
            for (int d = R - 1, rem = f; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; }
            int t = idx[p]; idx[p] = idx[q]; idx[q] = t;
            int g = 0;
            for (int d = 0; d < R; d++) g = g * ys[d] + idx[d];
            assertEquals(x.data[f], y.data[g]);
        }
        GradCheck.assertGradients("transpose", in -> Ops.transpose(in[0], d0, d1), x);
    }
}
