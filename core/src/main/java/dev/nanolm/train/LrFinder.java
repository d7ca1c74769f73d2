// makemore part 2's learning-rate search: from a fresh model, N steps of the run's optimizer with the learning
// rate growing exponentially from minLr to maxLr (lre = linspace(log10 minLr, log10 maxLr, N), lr = 10^lre), one
// minibatch each, recording the loss. The loss falls while the rate is too small to matter, bottoms out, then
// climbs or turns noisy where the rate is too large.
//
// Suggestion: smooth the recorded losses with a centred moving average over a window of N/10 steps (so no lag
// shifts the minimum), take the learning rate at the smoothed curve's minimum, and divide it by SAFETY (3): the
// minimum is where training starts to become unstable, and a rate a little below it trains steadily. On names-mlp
// (the lecture's setting, 1000 steps from 0.001 to 1) this suggests about 0.1, the lecture's choice.
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
import dev.nanolm.optim.OptimConfig;
import dev.nanolm.optim.Optimizer;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

public final class LrFinder {
    /** The suggestion is the smoothed minimum's learning rate divided by this. */
    public static final double SAFETY = 3.0;
    /** The run stops early once a loss exceeds this many times the lowest loss so far (it has diverged). */
    public static final double DIVERGED = 4.0;

    /** Called after each step with the step (1-based), its learning rate and loss. */
    public interface Progress { void step(int step, int steps, double lr, double loss); }

    /**
     * lrs and losses have one entry per step taken (fewer than asked when the loss diverged or turned non-finite);
     * smoothed is the moving average; best is the index of its minimum; suggested = lrs[best] / SAFETY.
     */
    public record Result(double[] lrs, double[] losses, double[] smoothed, int best, double suggested, String stopped) {
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
        LanguageModel model = ModelType.create(type, ModelType.config(s, data.vocab().size()), rng);
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
                if (Float.isFinite(loss)) opt.step();
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
        double[] sm = smooth(loss, Math.max(1, steps / 10));
        int best = argmin(sm);
        return new Result(l, loss, sm, best, l[best] / SAFETY, stopped);
    }

    /** Centred moving average over `window` points (shrunk symmetrically at the ends). */
    public static double[] smooth(double[] v, int window) {
        int half = window / 2;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int h = Math.min(half, Math.min(i, v.length - 1 - i));
            double s = 0;
            for (int j = i - h; j <= i + h; j++) s += v[j];
            out[i] = s / (2 * h + 1);
        }
        return out;
    }

    static int argmin(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] < v[b]) b = i;
        return b;
    }

    private LrFinder() {}
}
