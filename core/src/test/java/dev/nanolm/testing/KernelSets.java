// The kernel sets ops are tested with: the scalar reference and Kernels.get() (vector when available).
package dev.nanolm.testing;

import dev.nanolm.autograd.Ops;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.ScalarKernels;
import java.util.stream.Stream;

public final class KernelSets {
    private KernelSets() {}

    /** For @MethodSource("dev.nanolm.testing.KernelSets#all"): scalar, plus the default set when it is another class. */
    public static Stream<Kernels> all() {
        Kernels def = Kernels.get();
        return def.getClass() == ScalarKernels.class ? Stream.of(def) : Stream.of(new ScalarKernels(), def);
    }

    /** Runs body with the ops using k, restoring the previous kernels afterwards. */
    public static void with(Kernels k, Runnable body) {
        Kernels prev = Ops.setKernels(k);
        try {
            body.run();
        } finally {
            Ops.setKernels(prev);
        }
    }
}
