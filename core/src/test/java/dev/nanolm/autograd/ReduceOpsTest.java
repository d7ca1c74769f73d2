// Reductions: sum/mean over all or one dim (negative dims, keepDim both ways), max with argmax routing,
// argmax; values against plain references and gradients by finite differences.
package dev.nanolm.autograd;

import static dev.nanolm.testing.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReduceOpsTest {

    static Stream<int[]> allShapes() {
        return Stream.of(new int[] {}, new int[] {1}, new int[] {7}, new int[] {3, 13}, new int[] {2, 3, 17});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allShapes")
    void sumAndMeanOfAll(int[] shape) {
        Tensor x = TestTensors.randn(new Rng(1), shape);
        double s = 0;
        for (float v : x.data) s += v;
        Tensor sum = Ops.sum(x), mean = Ops.mean(x);
        assertArrayEquals(new int[0], sum.shape);
        assertArrayEquals(new int[0], mean.shape);
        assertEquals(s, sum.item(), 1e-5);
        assertEquals(s / x.numel(), mean.item(), 1e-6);
        GradCheck.assertGradients("sum", in -> Ops.sum(in[0]), x);
        GradCheck.assertGradients("mean", in -> Ops.mean(in[0]), x);
    }

    static Stream<Arguments> dimCases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{7}, {1, 5}, {3, 13}, {2, 3, 17}, {3, 1, 4, 5}};
        for (int[] s : shapes)
            for (int d = -s.length; d < s.length; d++)
                for (boolean keep : new boolean[] {true, false}) out.add(Arguments.of(s, d, keep));
        return out.stream();
    }

    /** Reference reduction over dim d (already non-negative): "sum", "mean" or "max". */
    static float[] ref(Tensor x, int d, String op) {
        int outer = 1, inner = 1, D = x.shape[d];
        for (int i = 0; i < d; i++) outer *= x.shape[i];
        for (int i = d + 1; i < x.rank(); i++) inner *= x.shape[i];
        float[] y = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) {
                double acc = op.equals("max") ? Double.NEGATIVE_INFINITY : 0;
                for (int j = 0; j < D; j++) {
                    float v = x.data[(o * D + j) * inner + i];
                    acc = op.equals("max") ? Math.max(acc, v) : acc + v;
                }
                y[o * inner + i] = (float) (op.equals("mean") ? acc / D : acc);
            }
        return y;
    }

    static int[] expectedShape(int[] s, int d, boolean keep) {
        List<Integer> o = new ArrayList<>();
        for (int i = 0; i < s.length; i++) if (i != d) o.add(s[i]); else if (keep) o.add(1);
        return o.stream().mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest(name = "{0} dim {1} keepDim {2}")
    @MethodSource("dimCases")
    void sumMeanMaxOverDim(int[] shape, int dim, boolean keep) {
        Rng rng = new Rng(2);
        int d = dim < 0 ? dim + shape.length : dim;
        Tensor x = TestTensors.randn(rng, shape);
        for (String op : new String[] {"sum", "mean"}) {
            Tensor y = op.equals("sum") ? Ops.sum(x, dim, keep) : Ops.mean(x, dim, keep);
            assertArrayEquals(expectedShape(shape, d, keep), y.shape, op);
            assertClose(op, ref(x, d, op), y.data, 1e-6);
        }
        GradCheck.assertGradients("sum dim", in -> Ops.sum(in[0], dim, keep), x);
        GradCheck.assertGradients("mean dim", in -> Ops.mean(in[0], dim, keep), x);

        // max needs values further apart than the finite-difference steps, so no perturbation changes the winner
        Tensor xd = TestTensors.distinct(rng, 0.2f, shape);
        Tensor m = Ops.max(xd, dim, keep);
        assertArrayEquals(expectedShape(shape, d, keep), m.shape);
        assertClose("max", ref(xd, d, "max"), m.data, 0);
        GradCheck.assertGradients("max dim", in -> Ops.max(in[0], dim, keep), xd);
        int[] arg = Ops.argmax(xd, dim);
        assertEquals(m.numel(), arg.length);
        int inner = 1;
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        for (int p = 0; p < arg.length; p++) {
            int o = p / inner, i = p % inner;
            assertEquals(m.data[p], xd.data[(o * shape[d] + arg[p]) * inner + i], "argmax picks the max");
        }
    }

    @Test
    void maxRoutesGradientToFirstOfTies() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 2, 5, 5, 5, 0}, 2, 4).requiresGrad(true);
        Tensor m = Ops.max(x, 1, false);
        assertArrayEquals(new float[] {3, 5}, m.data);
        assertArrayEquals(new int[] {1, 0}, Ops.argmax(x, -1));
        Tape.backward(Ops.sum(m));
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 0}, x.grad());
    }

    @Test
    void argmaxAlongFirstDim() {
        Tensor x = Tensor.of(new float[] {1, 9, 2, 7, 3, 8}, 3, 2);
        assertArrayEquals(new int[] {2, 0}, Ops.argmax(x, 0));
        assertArrayEquals(new int[] {1, 1, 1}, Ops.argmax(x, 1));
    }

    @Test
    void dimOutOfRangeThrows() {
        Tensor x = Tensor.zeros(2, 3);
        ShapeException e = assertThrows(ShapeException.class, () -> Ops.sum(x, 2, false));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(ShapeException.class, () -> Ops.mean(x, -3, true));
        assertThrows(ShapeException.class, () -> Ops.max(x, 5, true));
        assertThrows(ShapeException.class, () -> Ops.argmax(x, -3));
    }
}
