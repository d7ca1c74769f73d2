// makemore part 2's learning-rate search: from a fresh model, N steps of the run's optimizer with the learning
// rate growing exponentially from minLr to maxLr (lre = linspace(log10 minLr, log10 maxLr, N), lr = 10^lre), one
// minibatch each (gradient clipping and weight decay as the settings say; no gradient accumulation, no --l2),
// recording the loss. The loss falls while the rate is too small to matter, bottoms out, then
// climbs or turns noisy where the rate is too large.
//
// Suggestion: smooth the recorded losses with a centred moving average over N/10 steps (centred, so no lag shifts
// the curve; points without a full window on both sides are left out), find the valley: the contiguous run of
// learning rates around the smoothed minimum whose smoothed loss is within VALLEY (3%) of that minimum, and
// suggest its middle on the log scale (the geometric mean of its ends). The valley's left end still learns
// slowly, its right end is where the loss starts to climb; the minimum alone jumps around the flat bottom from
// seed to seed. On names-mlp (the lecture's search: 1000 SGD steps from 0.001 to 1) this gives 0.09-0.13 over
// four seeds, the lecture's 0.1; the bare minimum gives 0.10-0.17, the minimum / 3 gives 0.03-0.06.
package dev.nanolm.train;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.LmData;
import dev.nanolm.data.LmData.Split;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.models.ModelType;
import dev.nanolm.optim.GradClip;
import dev.nanolm.optim.OptimConfig;
import dev.nanolm.optim.Optimizer;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

public final class LrFinder {
    /** The valley: smoothed losses within this fraction above the smoothed minimum. */
    public static final double VALLEY = 0.03;
    /** The run stops early once a loss exceeds this many times the lowest loss so far (it has diverged). */
    public static final double DIVERGED = 4.0;

    /** Called after each step with the step (1-based), its learning rate and loss. */
    public interface Progress { void step(int step, int steps, double lr, double loss); }

    /**
     * lrs and losses have one entry per step taken (fewer than asked when the loss diverged or turned non-finite);
     * smoothed is the moving average (NaN where its window does not fit); best is the index of its minimum,
     * [valleyFrom, valleyTo] the valley around it; suggested = sqrt(lrs[valleyFrom] * lrs[valleyTo]).
     */
    public record Result(double[] lrs, double[] losses, double[] smoothed, int best, int valleyFrom, int valleyTo,
                         double suggested, String stopped) {
        public double[] log10Lrs() { return Arrays.stream(lrs).map(Math::log10).toArray(); }
    }

    public static void check(int steps, double minLr, double maxLr) {
        if (steps < 2) throw new ConfigException("--steps must be at least 2, got " + steps, "use --steps 1000");
        if (!(minLr > 0) || !Double.isFinite(minLr)) throw new ConfigException("--min-lr must be positive, got " + minLr, "use --min-lr 0.001");
        if (!(maxLr > minLr) || !Double.isFinite(maxLr))
            throw new ConfigException("--max-lr must be larger than --min-lr, got " + maxLr + " <= " + minLr, "use --min-lr 0.001 --max-lr 1");
    }

    /** The learning rate of step i (0-based) of n: 10^(lo + (hi - lo) i / (n - 1)), as torch.linspace then 10**lre. */
    public static double lrAt(int i, int n, double minLr, double maxLr) {
        double lo = Math.log10(minLr), hi = Math.log10(maxLr);
        return Math.pow(10, lo + (hi - lo) * i / (n - 1));
    }

    public static Result run(Settings s, LmData data, int steps, double minLr, double maxLr, Progress progress) {
        check(steps, minLr, maxLr);
        TrainConfig tc = TrainConfig.from(s);
        OptimConfig oc = OptimConfig.from(s);
        Parallel.setThreads(tc.threadsOrCores());
        Rng rng = new Rng(tc.seed());
        String type = s.str("model");
        LanguageModel model = ModelType.create(type, ModelType.config(s, data.tokenizer().vocabSize()), rng);
        if (model.countsOnly())
            throw new ConfigException("model " + type + " is fitted by counting, not by a learning rate", "use a gradient-trained model, e.g. --model mlp");
        model.train(true);
        Optimizer opt = oc.build(model.parameters());
        boolean full = tc.batchSize() == 0; // full-batch gradient descent (bigram-nn): the same batch every step
        int B = full ? data.fullCount(Split.TRAIN) : tc.batchSize(), T = data.T(), Ty = data.targetsPerExample();
        int[] X = new int[B * T], Y = new int[B * Ty];
        if (full) data.fullBatch(Split.TRAIN, 0, B, X, Y);
        double[] lrs = new double[steps], losses = new double[steps];
        Arena arena = new Arena();
        int n = 0;
        String stopped = null;
        double lowest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < steps; i++) {
            double lr = lrAt(i, steps, minLr, maxLr);
            float loss;
            try (var step = arena.step()) {
                opt.setLr((float) lr);
                opt.zeroGrad();
                if (!full) data.batch(Split.TRAIN, B, rng, X, Y);
                Tensor l = Ops.crossEntropy(model.logits(X, B, T), Y);
                Tape.backward(l);
                loss = l.item();
                if (Float.isFinite(loss)) {
                    if (oc.gradClip() > 0) GradClip.clipGlobalNorm(model.parameters(), oc.gradClip());
                    opt.step();
                }
            }
            if (!Float.isFinite(loss)) { stopped = String.format("the loss turned non-finite at lr %.4g", lr); Tape.reset(); break; }
            lrs[n] = lr;
            losses[n] = loss;
            n++;
            lowest = Math.min(lowest, loss);
            if (progress != null) progress.step(n, steps, lr, loss);
            if (loss > DIVERGED * lowest && n > steps / 10) {
                stopped = String.format("the loss diverged (%.3f > %.0fx the lowest, %.3f) at lr %.4g", loss, DIVERGED, lowest, lr);
                break;
            }
        }
        if (n < 2) throw new ConfigException("the learning-rate search stopped after " + n + " step(s): " + stopped, "lower --min-lr");
        double[] l = Arrays.copyOf(lrs, n), loss = Arrays.copyOf(losses, n);
        // the window shrinks when the run stopped early, so that some points keep a full window
        double[] sm = smooth(loss, Math.min(Math.max(1, steps / 10), Math.max(1, (n - 1) / 2)));
        int best = argmin(sm);
        int from = best, to = best;
        double limit = sm[best] + VALLEY * Math.abs(sm[best]);
        while (from > 0 && sm[from - 1] <= limit) from--;
        while (to < n - 1 && sm[to + 1] <= limit) to++;
        return new Result(l, loss, sm, best, from, to, Math.sqrt(l[from] * l[to]), stopped);
    }

    /** Centred moving average over 2*(window/2)+1 points; NaN at the ends, where the window does not fit. */
    public static double[] smooth(double[] v, int window) {
        int half = window / 2;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (i < half || i >= v.length - half) { out[i] = Double.NaN; continue; }
            double s = 0;
            for (int j = i - half; j <= i + half; j++) s += v[j];
            out[i] = s / (2 * half + 1);
        }
        return out;
    }

    /** Index of the smallest non-NaN value. */
    static int argmin(double[] v) {
        int b = -1;
        for (int i = 0; i < v.length; i++) if (!Double.isNaN(v[i]) && (b < 0 || v[i] < v[b])) b = i;
        if (b < 0) throw new IllegalArgumentException("no value to take the minimum of");
        return b;
    }

    private LrFinder() {}
}
