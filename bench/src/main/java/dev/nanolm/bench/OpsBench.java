// JMH: the memory-bound kernels (softmax, layer norm, GELU, AdamW), VectorKernels vs ScalarKernels.
// OpsReport converts the times into GB/s with each op's bytes moved (OpsBench.BYTES).
package dev.nanolm.bench;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.kernels.ScalarKernels;
import dev.nanolm.kernels.VectorKernels;
import dev.nanolm.tensor.Rng;
import org.openjdk.jmh.annotations.*;

import java.util.Map;
import java.util.concurrent.TimeUnit;

@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:-TieredCompilation", "-Xmx4g"})
public class OpsBench {
    /** Attention scores of a 256-token block (softmax), 384-wide activations (layer norm), a 1536-wide MLP (GELU). */
    static final int ROWS = 4096, C_SOFTMAX = 256, C_LN = 384, N_GELU = 1 << 22, N_ADAMW = 1 << 22;

    /** Bytes each op reads plus writes once (arrays of floats), for GB/s. */
    static final Map<String, Long> BYTES = Map.of(
            "softmax", 2L * 4 * ROWS * C_SOFTMAX,
            "logSoftmax", 2L * 4 * ROWS * C_SOFTMAX,
            "layerNormForward", 2L * 4 * ROWS * C_LN,
            "layerNormBackward", 4L * 4 * ROWS * C_LN,       // dout, x, dx read; dx written
            "geluForward", 2L * 4 * N_GELU,
            "geluBackward", 4L * 4 * N_GELU,                 // x, dout, dx read; dx written
            "adamw", 7L * 4 * N_ADAMW);                      // p, g, m, v read; p, m, v written

    @Param({"scalar", "vector"})
    public String impl;

    @Param({"1"})
    public int threads;

    private Kernels k;
    private float[] sx, sout, lx, lout, ldout, ldx, w, b, dw, db, mean, rstd, gx, gout, gdout, p, g, m, v;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        k = impl.equals("scalar") ? new ScalarKernels() : new VectorKernels();
        Rng rng = new Rng(1);
        sx = SgemmShapes.random(rng, ROWS * C_SOFTMAX);
        sout = new float[ROWS * C_SOFTMAX];
        lx = SgemmShapes.random(rng, ROWS * C_LN);
        lout = new float[ROWS * C_LN];
        ldout = SgemmShapes.random(rng, ROWS * C_LN);
        ldx = new float[ROWS * C_LN];
        w = SgemmShapes.random(rng, C_LN);
        b = SgemmShapes.random(rng, C_LN);
        dw = new float[C_LN];
        db = new float[C_LN];
        mean = new float[ROWS];
        rstd = new float[ROWS];
        gx = SgemmShapes.random(rng, N_GELU);
        gout = new float[N_GELU];
        gdout = SgemmShapes.random(rng, N_GELU);
        p = SgemmShapes.random(rng, N_ADAMW);
        g = SgemmShapes.random(rng, N_ADAMW);
        m = new float[N_ADAMW];
        v = new float[N_ADAMW];
        k.layerNormForward(lx, w, b, lout, mean, rstd, ROWS, C_LN, 1e-5f);
    }

    @Benchmark public float softmax() { k.softmax(sx, 0, sout, 0, ROWS, C_SOFTMAX); return sout[0]; }

    @Benchmark public float logSoftmax() { k.logSoftmax(sx, 0, sout, 0, ROWS, C_SOFTMAX); return sout[0]; }

    @Benchmark public float layerNormForward() { k.layerNormForward(lx, w, b, lout, mean, rstd, ROWS, C_LN, 1e-5f); return lout[0]; }

    @Benchmark public float layerNormBackward() { k.layerNormBackward(ldout, lx, w, mean, rstd, ldx, dw, db, ROWS, C_LN); return ldx[0]; }

    @Benchmark public float geluForward() { k.geluForward(gx, gout, N_GELU); return gout[0]; }

    @Benchmark public float geluBackward() { k.geluBackward(gx, gdout, gout, N_GELU); return gout[0]; }

    @Benchmark public float adamw() { k.adamw(p, g, m, v, 0, N_ADAMW, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 0.5f, 0.3f); return p[0]; }
}
