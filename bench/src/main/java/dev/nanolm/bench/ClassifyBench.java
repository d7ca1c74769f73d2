// End-to-end classifier benchmark: nanolm and the libtorch peer (TorchClassifier through DJL) train the same AG News
// classifier (a preset's network, the same initial weights, vocabulary and batches, Adam) and print seconds per epoch.
package dev.nanolm.bench;

import dev.nanolm.tokenize.WordVocab;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.nanolm.classify.Batches;
import dev.nanolm.classify.ClassifierConfig;
import dev.nanolm.classify.ClassifyData;
import dev.nanolm.classify.EpochOrder;
import dev.nanolm.classify.Evaluator;
import dev.nanolm.classify.LabeledTexts;
import dev.nanolm.classify.RnnClassifier;
import dev.nanolm.classify.TrainStep;
import dev.nanolm.config.Presets;
import dev.nanolm.config.Settings;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.optim.AdamW;
import dev.nanolm.peer.Torch;
import dev.nanolm.peer.TorchClassifier;
import dev.nanolm.peer.TorchRef;
import dev.nanolm.tensor.Rng;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Usage: ClassifyBench [--presets agnews-rnn,agnews-gru,agnews-lstm] [--rows N (0 = all; else N random rows)] [--epochs-fraction F (0 < F <= 1)]
 *                      [--warmup-batches 20] [--threads 2] [--side nanolm|libtorch|both] [--key value (any setting)]
 * Each side first trains warm-up batches (untimed, while the JIT compiles), then times the next F of an epoch's
 * batches; seconds per epoch = the mean time per timed batch x batches per epoch (training only, no evaluation).
 * With --accuracy-epochs E nothing is timed: each side trains E whole epochs from the same initial weights on the
 * same batches (orders from one Rng(seed + 1); only the dropout masks differ) and reports its test accuracy after
 * each epoch, so "within 0.5 points of libtorch" is measured on the same data and seed.
 */
public final class ClassifyBench implements BenchCli.Bench {
    private List<String> presets = List.of("agnews-rnn", "agnews-gru", "agnews-lstm");
    private int rows = 0, warmup = 20, threads = 2;
    private double fraction = 1.0;
    private int accuracyEpochs = 0;
    private String side = "both";
    private final LinkedHashMap<String, String> overrides = new LinkedHashMap<>();

    public static void main(String[] args) throws java.io.IOException { BenchCli.main(new ClassifyBench(), args); }

    @Override public boolean take(String a, String v) {
        switch (a) {
            case "--presets", "--preset" -> {
                presets = Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
                if (presets.isEmpty()) throw new IllegalArgumentException("--presets names no preset");
            }
            case "--rows" -> rows = BenchCli.nonNegative(a, v);
            case "--warmup-batches" -> warmup = BenchCli.nonNegative(a, v);
            case "--accuracy-epochs" -> accuracyEpochs = BenchCli.nonNegative(a, v);
            case "--threads" -> threads = BenchCli.positive(a, v);
            case "--side" -> side = BenchCli.oneOf(a, v, "nanolm", "libtorch", "both");
            case "--epochs-fraction" -> {
                try {
                    fraction = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    fraction = Double.NaN;
                }
                if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("--epochs-fraction must be in (0, 1], got " + v);
            }
            default -> { return false; }
        }
        return true;
    }

    @Override public Map<String, String> settings() { return overrides; }

    @Override public void run() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load > 0.5)
            System.err.printf(Locale.ROOT, "note: load average %.2f at start: other processes use the cores, timings will be noisy (PERF-NOTES cliff 3)%n", load);
        boolean torch = !side.equals("nanolm");
        if (torch) BenchCli.configureTorch(threads);
        Parallel.setThreads(threads);
        System.out.println("machine: " + GptBench.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores | JDK " + Runtime.version());
        System.out.println("nanolm: " + Parallel.threads() + " threads, kernels " + Kernels.get().name()
                + (torch ? String.format(Locale.ROOT, " | libtorch %s (DJL %s): %d intra-op threads, %d inter-op", Engine.getEngine("PyTorch").getVersion(),
                Engine.getDjlVersion(), JniUtils.getNumThreads(), JniUtils.getNumInteropThreads()) : ""));
        List<String> table = new ArrayList<>();
        for (String p : presets) table.add(runPreset(p));
        System.out.println();
        if (accuracyEpochs > 0) {
            for (String line : table) System.out.println(line);
            return;
        }
        System.out.printf(Locale.ROOT, "%-14s %14s %16s %18s%n", "preset", "nanolm s/epoch", "libtorch s/epoch", "nanolm/libtorch");
        for (String line : table) System.out.println(line);
        System.out.println("(training seconds per epoch, no evaluation; ratio < 1: nanolm faster; goal <= 0.7)");
    }

    /** The run's network, vocabulary, encoded rows and batch order, as ClassifyTrainer makes them. */
    private record Work(Settings s, ClassifierConfig cfg, Batches.Encoded tr, int B, long seed) {
        /** One Rng(seed) builds the model and then draws the first epoch's order: each side rebuilds both identically. */
        RnnClassifier model(Rng rng) { return new RnnClassifier(cfg, rng); }

        int batches() { return (tr.size() + B - 1) / B; }
    }

    private String runPreset(String preset) {
        Settings s = Settings.defaults().setAll(Presets.load(preset).values()).setAll(overrides);
        ClassifyData d = ClassifyData.load(s);
        LabeledTexts train = d.train();
        if (rows > 0 && rows < train.size()) train = sample(train, rows, s.longValue("split-seed"));
        WordVocab vocab = WordVocab.build(train.texts(), s.integer("min-count"));
        Batches.Encoded tr = Batches.Encoded.of(train, vocab, s.integer("max-len"));
        ClassifierConfig cfg = ClassifierConfig.from(s, vocab.size(), train.classes().size());
        Work w = new Work(s, cfg, tr, s.integer("batch-size"), s.longValue("seed"));
        int nb = w.batches(), timed = Math.max(1, (int) Math.round(nb * fraction));
        System.out.println();
        System.out.printf(Locale.ROOT, "%s: %s %d layer(s) x %d, embedding %d, %s%s, dropout %s | %s, %d train rows%s, vocabulary %d, "
                        + "mean length %.1f tokens | batch %d, Adam lr %s | %s%n",
                preset, cfg.cell(), cfg.layers(), cfg.hidden(), cfg.nEmbd(), cfg.aggregation(), cfg.concatLast() ? "+last" : "", cfg.dropout(),
                d.name(), tr.size(), rows > 0 ? " (--rows)" : "", vocab.size(), tr.meanLength(), w.B(), s.number("learning-rate"),
                accuracyEpochs > 0 ? String.format(Locale.ROOT, "%d epochs of %d batches, test accuracy after each (nothing timed)", accuracyEpochs, nb)
                        : String.format(Locale.ROOT, "%d warm-up batches, then %d of %d batches timed%s", warmup, timed, nb,
                        timed < nb ? String.format(Locale.ROOT, " (s/epoch extrapolated from %.0f%% of an epoch)", 100.0 * timed / nb) : ""));
        if (accuracyEpochs > 0) {
            Batches.Encoded te = Batches.Encoded.of(d.test(), vocab, s.integer("max-len"));
            double[] na = side.equals("libtorch") ? null : nanolmAccuracy(w, te), ta = side.equals("nanolm") ? null : libtorchAccuracy(w, te);
            return String.format(Locale.ROOT, "%-14s best test accuracy: nanolm %s, libtorch %s (%d epochs, %d test rows)", preset,
                    na == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * Arrays.stream(na).max().orElse(Double.NaN)),
                    ta == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * Arrays.stream(ta).max().orElse(Double.NaN)), accuracyEpochs, te.size());
        }
        double n = side.equals("libtorch") ? Double.NaN : nanolm(w, timed);
        double t = side.equals("nanolm") ? Double.NaN : libtorch(w, timed);
        return String.format(Locale.ROOT, "%-14s %14s %16s %18s", preset, fmt(n), fmt(t), Double.isNaN(n) || Double.isNaN(t) ? "" : String.format(Locale.ROOT, "%.2f", n / t));
    }

    /** n rows drawn without replacement (the first rows of AG News' train.csv are all one class). */
    private static LabeledTexts sample(LabeledTexts d, int n, long seed) {
        int[] perm = new int[d.size()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        new Rng(seed).shuffle(perm);
        String[] t = new String[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) { t[i] = d.texts()[perm[i]]; y[i] = d.labels()[perm[i]]; }
        return new LabeledTexts(t, y, d.classes(), d.source());
    }

    private static String fmt(double v) { return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v); }

    /** The batch of step i: the first epoch's order, wrapping around when warm-up plus timed batches exceed an epoch. */
    private static Batches.Batch batch(Work w, int[] order, int i) {
        int bi = i % w.batches(), N = w.tr().size();
        return w.tr().batch(order, bi * w.B(), Math.min(N, (bi + 1) * w.B()));
    }

    private double nanolm(Work w, int timed) {
        Rng rng = new Rng(w.seed());
        RnnClassifier model = w.model(rng);
        int[] order = EpochOrder.of(w.tr(), rng, w.B(), w.s().bool("bucket"));
        model.train(true);
        Settings s = w.s();
        AdamW opt = new AdamW(model.parameters(), s.number("learning-rate"), s.number("beta1"), s.number("beta2"), 1e-8f, s.number("weight-decay"));
        TrainStep step = new TrainStep(model, opt, s.number("grad-clip"));
        for (int i = 0; i < warmup; i++) step.run(batch(w, order, i), rng);
        long t0 = System.nanoTime();
        double first = Double.NaN, lossSum = 0;
        for (int i = 0; i < timed; i++) {
            float loss = step.run(batch(w, order, warmup + i), rng).loss();
            if (i == 0) first = loss;
            lossSum += loss;
        }
        return report("nanolm", w, timed, System.nanoTime() - t0, first, lossSum / timed);
    }

    /** The same steps in libtorch: forward and backward in a GradientCollector, Adam in torch ops (TorchRef.AdamW). */
    private double libtorch(Work w, int timed) {
        Rng rng = new Rng(w.seed());
        RnnClassifier model = w.model(rng);
        int[] order = EpochOrder.of(w.tr(), rng, w.B(), w.s().bool("bucket"));
        Settings s = w.s();
        if (s.number("grad-clip") > 0) throw new IllegalArgumentException("the libtorch side has no gradient clipping; use --grad-clip 0");
        try (NDManager m = Torch.manager()) {
            TorchClassifier t = new TorchClassifier(m, model);
            t.train(true);
            Map<String, Float> decay = new LinkedHashMap<>();
            for (String name : t.params().keySet()) decay.put(name, s.number("weight-decay"));
            TorchRef.AdamW opt = new TorchRef.AdamW(t.params(), decay, s.number("learning-rate"), s.number("beta1"), s.number("beta2"), 1e-8f);
            long t0 = 0;
            double first = Double.NaN, lossSum = 0;
            for (int i = 0; i < warmup + timed; i++) {
                if (i == warmup) t0 = System.nanoTime();
                Batches.Batch b = batch(w, order, i);
                float loss;
                t.zeroGrad();
                try (NDManager scope = t.scope(); GradientCollector gc = Torch.gradients()) {
                    NDArray l = TorchClassifier.loss(t.logits(b.ids(), b.lengths(), b.B(), b.T()), b.labels());
                    gc.backward(l);
                    loss = l.getFloat();
                }
                opt.step();
                if (i == warmup) first = loss;
                if (i >= warmup) lossSum += loss;
            }
            return report("libtorch", w, timed, System.nanoTime() - t0, first, lossSum / timed);
        }
    }

    /** Test accuracy after each of accuracyEpochs epochs of nanolm training (orders from Rng(seed + 1)). */
    private double[] nanolmAccuracy(Work w, Batches.Encoded te) {
        Rng rng = new Rng(w.seed()), orderRng = new Rng(w.seed() + 1);
        RnnClassifier model = w.model(rng);
        Settings s = w.s();
        AdamW opt = new AdamW(model.parameters(), s.number("learning-rate"), s.number("beta1"), s.number("beta2"), 1e-8f, s.number("weight-decay"));
        TrainStep step = new TrainStep(model, opt, s.number("grad-clip"));
        int[] rows = new int[te.size()];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        double[] acc = new double[accuracyEpochs];
        for (int e = 0; e < accuracyEpochs; e++) {
            int[] order = EpochOrder.of(w.tr(), orderRng, w.B(), s.bool("bucket"));
            model.train(true);
            for (int i = 0; i < w.batches(); i++) step.run(batch(w, order, i), rng);
            acc[e] = Evaluator.run(model, te, 256, false).accuracy(te.labels(), rows);
            System.out.printf(Locale.ROOT, "  nanolm   epoch %d: test accuracy %.2f%%%n", e + 1, 100 * acc[e]);
        }
        return acc;
    }

    /** The same epochs in libtorch (same initial weights and batch orders; torch's own dropout masks). */
    private double[] libtorchAccuracy(Work w, Batches.Encoded te) {
        Rng rng = new Rng(w.seed()), orderRng = new Rng(w.seed() + 1);
        RnnClassifier model = w.model(rng);
        Settings s = w.s();
        if (s.number("grad-clip") > 0) throw new IllegalArgumentException("the libtorch side has no gradient clipping; use --grad-clip 0");
        Integer[] byLength = new Integer[te.size()];
        for (int i = 0; i < byLength.length; i++) byLength[i] = i;
        Arrays.sort(byLength, java.util.Comparator.comparingInt(i -> te.tokens()[i].length));
        int[] evalOrder = Arrays.stream(byLength).mapToInt(Integer::intValue).toArray();
        double[] acc = new double[accuracyEpochs];
        try (NDManager m = Torch.manager()) {
            TorchClassifier t = new TorchClassifier(m, model);
            Map<String, Float> decay = new LinkedHashMap<>();
            for (String name : t.params().keySet()) decay.put(name, s.number("weight-decay"));
            TorchRef.AdamW opt = new TorchRef.AdamW(t.params(), decay, s.number("learning-rate"), s.number("beta1"), s.number("beta2"), 1e-8f);
            for (int e = 0; e < accuracyEpochs; e++) {
                int[] order = EpochOrder.of(w.tr(), orderRng, w.B(), s.bool("bucket"));
                t.train(true);
                for (int i = 0; i < w.batches(); i++) {
                    Batches.Batch b = batch(w, order, i);
                    t.zeroGrad();
                    try (NDManager scope = t.scope(); GradientCollector gc = Torch.gradients()) {
                        gc.backward(TorchClassifier.loss(t.logits(b.ids(), b.lengths(), b.B(), b.T()), b.labels()));
                    }
                    opt.step();
                }
                t.train(false);
                int ok = 0;
                for (int from = 0; from < evalOrder.length; from += 256) {
                    Batches.Batch b = te.batch(evalOrder, from, Math.min(evalOrder.length, from + 256));
                    try (NDManager scope = t.scope()) {
                        float[] lg = t.logits(b.ids(), b.lengths(), b.B(), b.T()).toFloatArray();
                        int C = lg.length / b.B();
                        for (int r = 0; r < b.B(); r++) {
                            int best = 0;
                            for (int c = 1; c < C; c++) if (lg[r * C + c] > lg[r * C + best]) best = c;
                            if (best == b.labels()[r]) ok++;
                        }
                    }
                }
                acc[e] = (double) ok / te.size();
                System.out.printf(Locale.ROOT, "  libtorch epoch %d: test accuracy %.2f%%%n", e + 1, 100 * acc[e]);
            }
        }
        return acc;
    }

    /** Prints and returns a side's seconds per epoch. */
    private static double report(String who, Work w, int timed, long ns, double first, double meanLoss) {
        double perBatch = ns / 1e9 / timed, perEpoch = perBatch * w.batches();
        System.out.printf(Locale.ROOT, "  %-8s %.1f ms/batch -> %.1f s/epoch (loss of the first timed batch %.4f, mean over the timed ones %.4f)%n",
                who, perBatch * 1e3, perEpoch, first, meanLoss);
        return perEpoch;
    }
}
