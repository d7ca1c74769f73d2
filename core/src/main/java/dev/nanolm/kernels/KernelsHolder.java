// Chooses the Kernels implementation once, at class initialisation.
package dev.nanolm.kernels;

final class KernelsHolder {
    static final Kernels INSTANCE = choose();

    private static Kernels choose() {
        String forced = System.getProperty("nanolm.kernels", "vector");
        if (forced.equalsIgnoreCase("scalar")) return new ScalarKernels();
        try {
            Class.forName("jdk.incubator.vector.FloatVector");
            return (Kernels) Class.forName("dev.nanolm.kernels.VectorKernels").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            // Vector API module not added (--add-modules jdk.incubator.vector): fall back, correctly but slowly.
            return new ScalarKernels();
        }
    }

    private KernelsHolder() {}
}
