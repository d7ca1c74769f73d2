// Checks that DJL loads libtorch offline and that the Torch helpers round-trip values and gradients.
package dev.nanolm.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TorchSmokeTest extends PeerTest {

    @Test void engineIsLibtorch271() {
        assertEquals("PyTorch", Torch.engine().getEngineName());
        assertEquals("2.7.1", Torch.engine().getVersion());
    }

    @Test void defaultKernelsAreTheVectorOnes() {
        // otherwise OpsVsTorchTest would silently compare the scalar kernels twice
        assertEquals("vector", Kernels.get().name());
    }

    @Test void tensorRoundTripKeepsShapeAndValues() {
        Tensor t = Torch.randn(new Rng(1), 1f, 3, 5, 7);
        NDArray a = Torch.nd(m, t);
        assertArrayEquals(new long[] {3, 5, 7}, a.getShape().getShape());
        Tensor back = Torch.tensor(a);
        assertArrayEquals(t.shape, back.shape);
        assertArrayEquals(t.data, back.data);
    }

    @Test void gradientOfSumOfSquaresIsTwiceInput() {
        Tensor t = Torch.randn(new Rng(2), 1f, 4, 3);
        NDArray x = Torch.nd(m, t, true);
        NDArray two = Torch.scalar(m, 2f);
        try (GradientCollector gc = Torch.gradients()) {
            NDArray loss = x.mul(x).sum();
            gc.backward(loss);
        }
        float[] expected = new float[t.numel()];
        for (int i = 0; i < expected.length; i++) expected[i] = 2 * t.data[i];
        TorchAssert.assertClose("d(sum x^2)/dx", expected, Torch.grad(x), 0, 1e-6);
        // the 0-d constant broadcasts like a scalar
        TorchAssert.assertClose("2*x", expected, Torch.floats(x.mul(two)), 0, 1e-6);
    }

    @Test void assertCloseFailsOutsideTolerance() {
        assertThrows(AssertionError.class,
                () -> TorchAssert.assertClose("x", new float[] {1f, 2f}, new float[] {1f, 2.01f}, 1e-5, 1e-4));
        assertThrows(AssertionError.class,
                () -> TorchAssert.assertClose("nan", new float[] {1f}, new float[] {Float.NaN}, 1e-5, 1e-4));
        TorchAssert.assertClose("ok", new float[] {1f, 2f}, new float[] {1f, 2.0001f}, 1e-5, 1e-4);
    }
}
