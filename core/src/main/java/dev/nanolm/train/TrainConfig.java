// How long and how to loop: batch, steps, time budget, gradient accumulation, evaluation, checkpoint and logging cadence, seed, threads.
package dev.nanolm.train;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;

public record TrainConfig(int batchSize, int gradAccum, int maxIters, double maxTimeS, int evalInterval, int evalIters, int logInterval,
                          int evalSamples, long seed, long splitSeed, int threads, boolean alwaysSaveCheckpoint,
                          boolean evalOnly, int skipNonfinite, boolean replay) {
    public TrainConfig {
        if (batchSize < 0) throw new ConfigException("--batch-size must be >= 0 (0 = whole split), got " + batchSize, "use --batch-size 32");
        if (gradAccum <= 0) throw new ConfigException("--grad-accum must be positive, got " + gradAccum, "use --grad-accum 1");
        if (maxIters <= 0) throw new ConfigException("--max-iters must be positive, got " + maxIters, "use --max-iters 1000");
        if (maxTimeS < 0) throw new ConfigException("--max-time must be >= 0 (0 = no budget), got " + maxTimeS, "use --max-time 10m");
        if (evalInterval <= 0) throw new ConfigException("--eval-interval must be positive, got " + evalInterval, "use --eval-interval 1000");
        if (evalIters < 0) throw new ConfigException("--eval-iters must be >= 0 (0 = whole split), got " + evalIters, "use --eval-iters 0");
        if (logInterval <= 0) throw new ConfigException("--log-interval must be positive, got " + logInterval, "use --log-interval 100");
        if (evalSamples < 0) throw new ConfigException("--eval-samples must be >= 0, got " + evalSamples, "use --eval-samples 10");
        if (skipNonfinite < 0) throw new ConfigException("--skip-nonfinite must be >= 0, got " + skipNonfinite, "use --skip-nonfinite 0");
        if (threads > MAX_THREADS) throw new ConfigException("--threads " + threads + " is more than nanolm's limit of " + MAX_THREADS,
                "use --threads 0 (all " + Runtime.getRuntime().availableProcessors() + " cores)");
        if (threads < 0) throw new ConfigException("--threads must be >= 0 (0 = all cores), got " + threads, "use --threads 0");
    }

    /** One worker thread each: a typo like --threads 80000 must not start 80000 threads. */
    public static final int MAX_THREADS = 1024;

    public static TrainConfig from(Settings s) {
        return new TrainConfig(s.integer("batch-size"), s.integer("grad-accum"), s.integer("max-iters"), s.seconds("max-time"), s.integer("eval-interval"),
                s.integer("eval-iters"), s.integer("log-interval"), s.integer("eval-samples"), s.longValue("seed"),
                s.longValue("split-seed"), s.integer("threads"), s.bool("always-save-checkpoint"), s.bool("eval-only"),
                s.integer("skip-nonfinite"), s.bool("replay"));
    }

    public int threadsOrCores() { return threads > 0 ? threads : Runtime.getRuntime().availableProcessors(); }
}
