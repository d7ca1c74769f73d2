// libtorch's matmul through DJL on the same operands and layouts as SgemmShapes (transposes are views,
// so libtorch runs one GEMM with a transpose flag, as nanolm packs instead of copying).
package dev.nanolm.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

final class TorchMatmul implements AutoCloseable {
    private final NDManager manager;
    private final NDArray x, y;

    /** Sets DJL's offline/threads properties; call before anything touches the engine. */
    static void configure(int threads) {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("PYTORCH_FLAVOR") == null && System.getenv("PYTORCH_FLAVOR") == null) System.setProperty("PYTORCH_FLAVOR", "cpu");
        if (System.getProperty("PYTORCH_VERSION") == null && System.getenv("PYTORCH_VERSION") == null) System.setProperty("PYTORCH_VERSION", "2.7.1");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    TorchMatmul(SgemmShapes s) {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        NDArray a = manager.create(s.a, s.layout.equals("TN") ? new Shape(s.K, s.M) : new Shape(s.M, s.K));
        NDArray b = manager.create(s.b, s.layout.equals("NT") ? new Shape(s.N, s.K) : new Shape(s.K, s.N));
        x = s.layout.equals("TN") ? a.transpose() : a;
        y = s.layout.equals("NT") ? b.transpose() : b;
    }

    /** One matmul; returns c[0] so the result is used. */
    float run() {
        try (NDArray c = x.matMul(y)) {
            return c.getFloat(0, 0);
        }
    }

    @Override
    public void close() { manager.close(); }
}
