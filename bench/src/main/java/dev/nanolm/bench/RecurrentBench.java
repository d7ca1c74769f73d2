// JMH: one fused recurrent layer (Ops.gruLayer, Ops.lstmLayer) forward and backward at the AG News classifiers' shape
// (batch 32, 64 steps, 256 wide), and the per-step product alone (h W_hh^T, M = 32), with the workers parking after
// each hand-off or polling first (Parallel.setSpinMicros). Run: bench/run-recurrent.sh [JMH options]
package dev.nanolm.bench;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.PackedB;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:-TieredCompilation", "-Xmx4g"})
public class RecurrentBench {
    static final int B = 32, T = 64, H = 256;

    @Param({"gru", "lstm"})
    public String cell;

    @Param({"0", "100"})
    public int spinMicros;

    @Param({"2"})
    public int threads;

    private final Arena arena = new Arena();
    private Tensor xg, wHh, bHh;
    private float[] h, hp;
    private PackedB wT;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        Parallel.setSpinMicros(spinMicros);
        int G = (cell.equals("gru") ? 3 : 4) * H;
        Rng rng = new Rng(1);
        float bound = (float) (1 / Math.sqrt(H)); // PyTorch's init scale: gates neither saturated nor flat
        xg = Tensor.of(scaled(rng, B * T * G, 1f), B, T, G).requiresGrad(true);
        wHh = Tensor.of(scaled(rng, G * H, bound), G, H).requiresGrad(true);
        bHh = Tensor.of(scaled(rng, G, bound), G).requiresGrad(true);
        h = scaled(rng, B * H, 1f);
        hp = new float[B * G];
        wT = Kernels.get().packB(wHh.data, 0, G, H, true);
    }

    private static float[] scaled(Rng rng, int n, float s) {
        float[] a = SgemmShapes.random(rng, n);
        for (int i = 0; i < n; i++) a[i] *= s;
        return a;
    }

    /** Forward and backward of the whole layer, inside an arena step as in training. */
    @Benchmark
    public float layer() {
        try (var st = arena.step()) {
            Tensor out = cell.equals("gru") ? Ops.gruLayer(xg, wHh, bHh, null, null, false)
                    : Ops.lstmLayer(xg, wHh, bHh, null, null, null, false)[0];
            Tensor loss = Ops.sum(out);
            Tape.backward(loss);
            return loss.item();
        }
    }

    /** One step's recurrent product h W_hh^T (B x H times H x G), W_hh packed once. */
    @Benchmark
    public float stepProduct() {
        Kernels.get().matmulPacked(h, 0, wT, hp, 0, B, false);
        return hp[0];
    }
}
