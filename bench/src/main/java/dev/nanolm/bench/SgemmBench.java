// JMH: nanolm's SGEMM and libtorch's matmul (through DJL) on the same shapes, layouts and thread counts.
// Each parameter combination runs in its own fork, so libtorch's per-process thread count can follow `threads`.
// Each op is timed; SgemmReport turns the median time into the GFLOPS table (bench/run-sgemm.sh).
package dev.nanolm.bench;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime) // every op timed: SgemmReport uses the median, robust to a busy neighbour
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:-TieredCompilation", "-Xmx8g",
        "-Dai.djl.offline=true", "-DPYTORCH_FLAVOR=cpu", "-DPYTORCH_VERSION=2.7.1"})
public class SgemmBench {
    /** (M,K,N), see SgemmShapes. */
    @Param({"768x128x128", "768x128x512", "16384x384x1536", "1024x1024x1024"})
    public String shape;

    @Param({"NN", "NT", "TN"})
    public String layout;

    @Param({"1", "2"})
    public int threads;

    @Param({"nanolm", "libtorch"})
    public String impl;

    private SgemmShapes problem;
    private Kernels kernels;
    private TorchMatmul torch;

    @Setup(Level.Trial)
    public void setup() {
        if (impl.equals("libtorch")) TorchMatmul.configure(threads); // before DJL loads the engine in this fork
        else Parallel.setThreads(threads);
        problem = new SgemmShapes(shape, layout);
        if (impl.equals("libtorch")) torch = new TorchMatmul(problem);
        else {
            kernels = Kernels.get();
            if (!kernels.name().equals("vector")) throw new IllegalStateException("vector kernels unavailable: " + kernels.name());
        }
    }

    @Benchmark
    public float matmul() {
        if (torch != null) return torch.run();
        problem.run(kernels);
        return problem.c[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (torch != null) torch.close();
    }
}
