// softmax and logSoftmax over the last dim: values against a double reference and the composed ops
// (exp/sum, log(softmax)), gradients by finite differences, numerical stability, both kernel sets.
package dev.nanolm.autograd;

import static dev.nanolm.testing.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.KernelSets;
import dev.nanolm.testing.TestTensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SoftmaxTest {

    static Stream<Arguments> cases() {
        int[][] shapes = {{1}, {7}, {3, 13}, {2, 3, 17}, {2, 65}, {4, 1}};
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : KernelSets.all().toList()) for (int[] s : shapes) out.add(Arguments.of(k, s));
        return out.stream();
    }

    static float[] refLogSoftmax(Tensor x) {
        int C = x.dim(-1), rows = x.numel() / C;
        float[] y = new float[x.numel()];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < C; j++) max = Math.max(max, x.data[r * C + j]);
            for (int j = 0; j < C; j++) s += Math.exp(x.data[r * C + j] - max);
            for (int j = 0; j < C; j++) y[r * C + j] = (float) (x.data[r * C + j] - max - Math.log(s));
        }
        return y;
    }

    /** Gradients of sum(f(x) * R) w.r.t. x. */
    static float[] grad(Tensor x, UnaryOperator<Tensor> f, Tensor R) {
        x.requiresGrad(true).zeroGrad();
        Tape.backward(Ops.sum(Ops.mul(f.apply(x), R)));
        return x.grad().clone();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void softmaxAndLogSoftmax(Kernels kern, int[] shape) {
        KernelSets.with(kern, () -> {
            Rng rng = new Rng(8);
            Tensor x = TestTensors.mulBy(TestTensors.randn(rng, shape), 2f);
            float[] logp = refLogSoftmax(x);
            float[] p = new float[logp.length];
            for (int i = 0; i < p.length; i++) p[i] = (float) Math.exp(logp[i]);
            assertClose("softmax", p, Ops.softmax(x).data, 1e-6);
            assertClose("logSoftmax", logp, Ops.logSoftmax(x).data, 1e-5);
            GradCheck.assertGradients("softmax", in -> Ops.softmax(in[0]), x);
            GradCheck.assertGradients("logSoftmax", in -> Ops.logSoftmax(in[0]), x);

            // fused vs composed: values and gradients
            Tensor R = TestTensors.randn(rng, shape);
            UnaryOperator<Tensor> composedSoftmax = t -> Ops.div(Ops.exp(t), Ops.sum(Ops.exp(t), -1, true));
            UnaryOperator<Tensor> composedLogSoftmax = t -> Ops.log(Ops.softmax(t));
            assertClose("softmax vs exp/sum", composedSoftmax.apply(x).data, Ops.softmax(x).data, 1e-6);
            assertClose("softmax grad vs composed", grad(x, composedSoftmax, R), grad(x, Ops::softmax, R), 1e-5);
            assertClose("logSoftmax vs log(softmax)", composedLogSoftmax.apply(x).data, Ops.logSoftmax(x).data, 1e-5);
            assertClose("logSoftmax grad vs composed", grad(x, composedLogSoftmax, R), grad(x, Ops::logSoftmax, R), 1e-4);
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void stableForLargeLogits(Kernels kern, int[] shape) {
        KernelSets.with(kern, () -> {
            Tensor x = TestTensors.randn(new Rng(9), shape);
            Tensor big = Ops.addScalar(x, 1000f);
            assertClose("softmax shift invariance", Ops.softmax(x).data, Ops.softmax(big).data, 1e-4);
            for (float v : Ops.logSoftmax(big).data) assertTrue(Float.isFinite(v) && v <= 0f);
        });
    }
}
