// The B operand of many products a * op(B) with the same B (a recurrent weight at every time step), prepared once:
// VectorKernels keeps it in Sgemm's packed panels so no step packs it again; other kernels use b as it is.
package dev.nanolm.kernels;

/** op(B) is b (K,N) at bOff, or b^T when transposed (b (N,K)); panels holds the kernels' own packing or null. */
public record PackedB(float[] b, int bOff, int N, int K, boolean transposed, float[] panels) {}
