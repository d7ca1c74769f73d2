// The SGEMM shapes and layouts the benchmarks share, and their operands (random, fixed seed).
package dev.nanolm.bench;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Rng;

final class SgemmShapes {
    /**
     * (M,K,N): attention/MLP shapes of the small GPT (768 tokens, width 128), the Shakespeare GPT's MLP over
     * 16384 tokens (384 -> 1536), a square reference, and two weight-gradient shapes (K = tokens = 16384).
     */
    static final String[] SHAPES = {"768x128x128", "768x128x512", "16384x384x1536", "1024x1024x1024"};
    /** Weight-gradient (TN) shapes of the 384-wide GPT: dW(1536,384) and dW(384,1536), summed over 16384 tokens. */
    static final String[] DW_SHAPES = {"1536x16384x384", "384x16384x1536"};
    static final String[] LAYOUTS = {"NN", "NT", "TN"};

    final int M, K, N;
    final String layout;
    final float[] a, b, c;

    SgemmShapes(String shape, String layout) {
        String[] p = shape.split("x");
        M = Integer.parseInt(p[0]);
        K = Integer.parseInt(p[1]);
        N = Integer.parseInt(p[2]);
        this.layout = layout;
        Rng rng = new Rng(1);
        a = random(rng, M * K);
        b = random(rng, K * N);
        c = new float[M * N];
    }

    double flops() { return 2.0 * M * N * K; }

    /** a is (M,K) for NN/NT and (K,M) for TN; b is (K,N) for NN/TN and (N,K) for NT. */
    void run(Kernels k) {
        switch (layout) {
            case "NN": k.matmulNN(a, 0, b, 0, c, 0, M, N, K, false); break;
            case "NT": k.matmulNT(a, 0, b, 0, c, 0, M, N, K, false); break;
            case "TN": k.matmulTN(a, 0, b, 0, c, 0, M, N, K, false); break;
            default: throw new IllegalArgumentException("layout " + layout);
        }
    }

    static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextFloat() * 2f - 1f;
        return x;
    }
}
