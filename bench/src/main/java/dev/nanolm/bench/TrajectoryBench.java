// Long-run agreement check: nanolm and the libtorch peer (TorchGpt) train the same GPT-family model from the same
// weights on the same batches for many steps, and a held-out loss is taken on both every few hundred steps. Answers
// "would PyTorch have reached a better figure from here?" for a preset that misses a published number.
package dev.nanolm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.cli.LoadedData;
import dev.nanolm.config.Presets;
import dev.nanolm.config.Settings;
import dev.nanolm.data.LmData;
import dev.nanolm.data.LmData.Split;
import dev.nanolm.eval.LossEval;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.models.GptConfig;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.models.ModelType;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.GradClip;
import dev.nanolm.optim.LrSchedule;
import dev.nanolm.optim.OptimConfig;
import dev.nanolm.optim.Optimizer;
import dev.nanolm.peer.Torch;
import dev.nanolm.peer.TorchGpt;
import dev.nanolm.peer.TorchRef;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.train.TrainConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Usage: TrajectoryBench [--preset names-transformer] [--iters N (the preset's max-iters)] [--eval-every 500]
 *                        [--eval-split val|test] [--threads 2] [--key value (any training setting)]
 * Batches are drawn as Trainer draws them (one Rng(seed) builds the model, then draws every batch), so the nanolm
 * side is the run `bin/nanolm train` makes with the same settings. The held-out loss is the mean over every target of
 * the split on both sides. Dropout must be 0 (the two sides would draw different masks).
 */
public final class TrajectoryBench implements BenchCli.Bench {
    private String preset = "names-transformer", evalSplit = "val";
    private int iters = -1, evalEvery = 500, threads = 2;
    private final LinkedHashMap<String, String> overrides = new LinkedHashMap<>();

    public static void main(String[] args) throws java.io.IOException { BenchCli.main(new TrajectoryBench(), args); }

    @Override public boolean take(String a, String v) {
        switch (a) {
            case "--preset" -> preset = v;
            case "--iters" -> iters = BenchCli.positive(a, v);
            case "--eval-every" -> evalEvery = BenchCli.positive(a, v);
            case "--eval-split" -> evalSplit = BenchCli.oneOf(a, v, "val", "test");
            case "--threads" -> threads = BenchCli.positive(a, v);
            default -> { return false; }
        }
        return true;
    }

    @Override public Map<String, String> settings() { return overrides; }

    @Override public void run() {
        BenchCli.configureTorch(threads);
        Settings s = Settings.defaults().setAll(Presets.load(preset).values()).setAll(overrides);
        s.set("threads", Integer.toString(threads));
        Parallel.setThreads(threads);
        LmData data = LoadedData.loadResolving(s, null).data();
        if (!(ModelType.config(s, data.tokenizer().vocabSize()) instanceof GptConfig cfg))
            throw new IllegalArgumentException("preset " + preset + " trains a " + s.str("model") + "; TrajectoryBench needs a gpt-family model");
        if (cfg.dropout() != 0) throw new IllegalArgumentException("dropout must be 0 (the sides would draw different masks); add --dropout 0");
        TrainConfig tc = TrainConfig.from(s);
        OptimConfig oc = OptimConfig.from(s);
        if (tc.gradAccum() != 1 || oc.l2() > 0 || !oc.optimizer().equals("adamw"))
            throw new IllegalArgumentException("TrajectoryBench runs AdamW without gradient accumulation or an L2 penalty");
        int N = iters > 0 ? iters : tc.maxIters(), B = tc.batchSize(), T = data.T();
        Split held = evalSplit.equals("val") ? Split.VAL : Split.TEST;
        System.out.printf(Locale.ROOT, "%s (%s), %d steps, batch %d x %d, held-out: the %s split (%d items), seed %d%n",
                preset, s.str("model"), N, B, T, evalSplit, data.fullCount(held), tc.seed());

        Rng rng = new Rng(tc.seed());
        LanguageModel net = ModelType.create(s.str("model"), cfg, rng);
        int[][] batches = new int[N][];
        int[][] targets = new int[N][];
        for (int i = 0; i < N; i++) {
            batches[i] = new int[B * T];
            targets[i] = new int[B * T];
            data.batch(Split.TRAIN, B, rng, batches[i], targets[i]);
        }
        try (NDManager m = Torch.manager()) {
            // the torch side starts from the initial weights, copied before nanolm trains them
            TorchGpt t = new TorchGpt(m, net, cfg);
            Map<Integer, double[]> rows = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            trainNanolm(net, oc, tc, batches, targets, B, T, data, held, rows);
            double nanolmS = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            trainTorch(t, net, oc, tc, batches, targets, T, data, held, rows);
            double torchS = (System.nanoTime() - t0) / 1e9;
            System.out.println();
            System.out.println("| step | nanolm held-out | libtorch held-out | difference |");
            System.out.println("|---:|---:|---:|---:|");
            double bestOurs = Double.MAX_VALUE, bestTheirs = Double.MAX_VALUE;
            int bestOursAt = 0, bestTheirsAt = 0;
            for (var e : rows.entrySet()) {
                double[] r = e.getValue();
                System.out.printf(Locale.ROOT, "| %d | %.4f | %.4f | %+.4f |%n", e.getKey(), r[0], r[1], r[0] - r[1]);
                if (r[0] < bestOurs) { bestOurs = r[0]; bestOursAt = e.getKey(); }
                if (r[1] < bestTheirs) { bestTheirs = r[1]; bestTheirsAt = e.getKey(); }
            }
            System.out.printf(Locale.ROOT, "best held-out: nanolm %.4f at step %d, libtorch %.4f at step %d; %.1f s nanolm, %.1f s libtorch%n",
                    bestOurs, bestOursAt, bestTheirs, bestTheirsAt, nanolmS, torchS);
        }
    }

    private boolean evalAt(int step, int N) { return step % evalEvery == 0 || step == N; }

    private void trainNanolm(LanguageModel net, OptimConfig oc, TrainConfig tc, int[][] xs, int[][] ys, int B, int T,
                             LmData data, Split held, Map<Integer, double[]> rows) {
        net.train(true);
        var params = net.parameters();
        Optimizer opt = oc.build(params);
        LrSchedule schedule = oc.schedule(tc.maxIters());
        Arena arena = new Arena();
        int N = xs.length;
        rows.put(0, new double[] {LossEval.fullSplit(net, data, held, 100), Double.NaN});
        for (int step = 0; step < N; step++) {
            try (var scope = arena.step()) {
                opt.setLr(schedule.lr(step));
                opt.zeroGrad();
                Tensor loss = Ops.crossEntropy(net.logits(xs[step], B, T), ys[step]);
                Tape.backward(loss);
                if (oc.gradClip() > 0) GradClip.clipGlobalNorm(params, oc.gradClip());
                opt.step();
            }
            if (evalAt(step + 1, N)) {
                double h = LossEval.fullSplit(net, data, held, 100);
                rows.put(step + 1, new double[] {h, Double.NaN});
                System.out.printf(Locale.ROOT, "nanolm   step %d: held-out %.4f%n", step + 1, h);
            }
        }
    }

    private void trainTorch(TorchGpt t, LanguageModel net, OptimConfig oc, TrainConfig tc, int[][] xs, int[][] ys, int T,
                            LmData data, Split held, Map<Integer, double[]> rows) {
        Map<String, Float> decay = new LinkedHashMap<>();
        for (Parameter q : net.parameters()) decay.put(q.name(), oc.decayOn().equals("all") || q.rank() >= 2 ? oc.weightDecay() : 0f);
        TorchRef.AdamW opt = new TorchRef.AdamW(t.params(), decay, oc.learningRate(), oc.beta1(), oc.beta2(), 1e-8f);
        LrSchedule schedule = oc.schedule(tc.maxIters());
        int N = xs.length;
        rows.get(0)[1] = heldOut(t, data, held, T);
        for (int step = 0; step < N; step++) {
            opt.setLr(schedule.lr(step));
            t.lossBackward(xs[step], ys[step], T);
            if (oc.gradClip() > 0) t.clipGradNorm(oc.gradClip());
            opt.step();
            if (evalAt(step + 1, N)) {
                double h = heldOut(t, data, held, T);
                rows.get(step + 1)[1] = h;
                System.out.printf(Locale.ROOT, "libtorch step %d: held-out %.4f%n", step + 1, h);
            }
        }
    }

    /** Mean loss over every target of the split, in batches of 100 items: LossEval.fullSplit's definition in torch. */
    private static double heldOut(TorchGpt t, LmData data, Split split, int T) {
        int n = data.fullCount(split);
        double total = 0;
        long targets = 0;
        for (int from = 0; from < n; from += 100) {
            int b = Math.min(100, n - from);
            int[] x = new int[b * T], y = new int[b * T];
            data.fullBatch(split, from, b, x, y);
            int counted = 0;
            for (int v : y) if (v != -1) counted++;
            try (NDManager scope = t.scope()) {
                NDArray logits = t.logits(x, b, T);
                total += (double) TorchRef.crossEntropy(logits.reshape(b * T, logits.getShape().get(2)), y, -1).getFloat() * counted;
            }
            targets += counted;
        }
        return total / targets;
    }
}
