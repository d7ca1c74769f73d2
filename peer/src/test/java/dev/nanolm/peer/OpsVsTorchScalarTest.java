// Every OpsVsTorchTest comparison again with the scalar reference kernels (the default run uses the vector ones).
package dev.nanolm.peer;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.ScalarKernels;

class OpsVsTorchScalarTest extends OpsVsTorchTest {
    @Override protected Kernels kernels() { return new ScalarKernels(); }
}
