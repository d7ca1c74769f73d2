// End-to-end benchmark: nanolm and the libtorch peer (TorchGpt through DJL) train and sample the same GPT (a preset's
// config, the same initial weights, the same Tiny Shakespeare batches) and one table gives the speed ratios.
package dev.nanolm.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Replayer;
import dev.nanolm.autograd.Tape;
import dev.nanolm.config.Presets;
import dev.nanolm.config.Settings;
import dev.nanolm.data.Catalog;
import dev.nanolm.data.LmData.Split;
import dev.nanolm.data.TextCorpus;
import dev.nanolm.data.TextFiles;
import dev.nanolm.kernels.Kernels;
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
import dev.nanolm.sample.Sampler;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.train.Stats;
import dev.nanolm.train.TrainConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.Map;

/**
 * Usage: GptBench [--preset P] [--iters N] [--warmup W] [--threads T] [--what train|sample|both]
 *                 [--side nanolm|libtorch|both] [--sample-tokens 500] [--sample-runs 3] [--sample-warmup 1]
 *                 [--results FILE] [--report FILE] [--key value (any training setting, overrides the preset)]
 * With --results the rows (and the header lines) are appended to FILE, so sides run in separate JVMs (e.g. one with
 * tcmalloc preloaded) can be combined; --report FILE prints the table of such a file and runs nothing.
 */
public final class GptBench implements BenchCli.Bench {

    /** One row of the table; ms is per training iteration or per sampled token. */
    record Row(String task, String side, double ms, double tokensPerS, double firstLoss, double lastLoss,
               long rssBeforeKb, long rssAfterKb, long peakKb) {
        String tsv() {
            return String.join("\t", "R", task, side, Double.toString(ms), Double.toString(tokensPerS), Double.toString(firstLoss),
                    Double.toString(lastLoss), Long.toString(rssBeforeKb), Long.toString(rssAfterKb), Long.toString(peakKb));
        }

        static Row parse(String[] f) {
            return new Row(f[1], f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]));
        }
    }

    private String preset = "shakespeare-char-baby", what = "both", side = "both";
    private int iters = 20, warmup = 3, threads = 2, sampleTokens = 500, sampleRuns = 3, sampleWarmup = 1;
    private Path results, report;
    private final LinkedHashMap<String, String> overrides = new LinkedHashMap<>();

    private Settings settings;
    private TextCorpus corpus;
    private GptConfig cfg;
    private TrainConfig tc;
    private OptimConfig oc;
    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();

    public static void main(String[] args) throws java.io.IOException { BenchCli.main(new GptBench(), args); }

    @Override public boolean take(String a, String v) {
        switch (a) {
            case "--preset" -> preset = v;
            case "--iters" -> iters = BenchCli.positive(a, v);
            case "--warmup" -> warmup = BenchCli.nonNegative(a, v);
            case "--threads" -> threads = BenchCli.positive(a, v);
            case "--what" -> what = BenchCli.oneOf(a, v, "train", "sample", "both");
            case "--side" -> side = BenchCli.oneOf(a, v, "nanolm", "libtorch", "both");
            case "--sample-tokens" -> sampleTokens = BenchCli.positive(a, v);
            case "--sample-runs" -> sampleRuns = BenchCli.positive(a, v);
            case "--sample-warmup" -> sampleWarmup = BenchCli.nonNegative(a, v);
            case "--results" -> results = Path.of(v);
            case "--report" -> report = Path.of(v);
            default -> { return false; }
        }
        return true;
    }

    @Override public Map<String, String> settings() { return overrides; }

    @Override public void run() throws IOException {
        if (report != null) {
            printReport(Files.readAllLines(report, StandardCharsets.UTF_8));
            return;
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load > 0.5)
            System.err.printf(Locale.ROOT, "note: load average %.2f at start: other processes use the cores, timings will be noisy (PERF-NOTES cliff 3)%n", load);
        boolean torch = !side.equals("nanolm");
        if (torch) BenchCli.configureTorch(threads);
        setUp(torch);
        boolean train = !what.equals("sample"), sample = !what.equals("train");
        if (train && !side.equals("libtorch")) add(trainNanolm());
        if (train && torch) add(trainTorch());
        if (sample && !side.equals("libtorch")) {
            add(sampleNanolm(true));
            add(sampleNanolm(false));
        }
        if (sample && torch) add(sampleTorch());
        List<String> lines = new ArrayList<>();
        for (String h : header) lines.add("H\t" + h);
        for (Row r : rows) lines.add(r.tsv());
        if (results != null) Files.write(results, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        else printReport(lines);
    }

    /** Keeps a row and says it is done (the table comes at the end, or from --report when sides run in several JVMs). */
    private void add(Row r) {
        rows.add(r);
        System.out.printf(Locale.ROOT, "  %s, %s: %.3f ms/%s, %.0f tokens/s%n", r.task(), r.side(), r.ms(),
                r.task().equals("train") ? "iter" : "token", r.tokensPerS());
    }

    private void setUp(boolean torch) {
        settings = Settings.defaults().setAll(Presets.load(preset).values()).setAll(overrides);
        settings.set("threads", Integer.toString(threads));
        String type = settings.str("model");
        if (!type.equals("gpt") && !type.equals("gpt-lecture"))
            throw new IllegalArgumentException("preset " + preset + " trains a " + type + "; GptBench needs a gpt or gpt-lecture preset");
        Path path = new Catalog().resolve(settings.str("data")).toAbsolutePath().normalize();
        corpus = new TextCorpus(TextFiles.readUtf8(path), settings.integer("block-size"), path.toString());
        cfg = (GptConfig) ModelType.config(settings, corpus.vocab().size());
        tc = TrainConfig.from(settings);
        oc = OptimConfig.from(settings);
        if (!oc.optimizer().equals("adamw") || oc.l2() > 0)
            throw new IllegalArgumentException("GptBench times AdamW without an L2 penalty; the preset has --optimizer " + oc.optimizer() + " --l2 " + oc.l2());
        Parallel.setThreads(threads);

        LanguageModel m = newModel(new Rng(tc.seed()));
        header.add(String.format(Locale.ROOT, "GPT preset %s (%s): %d layers, %d heads, %d wide, block %d, vocab %d, %,d params, dropout %s, bias %s",
                preset, type, cfg.nLayer(), cfg.nHead(), cfg.nEmbd(), cfg.blockSize(), cfg.vocabSize(), m.numParams(), cfg.dropout(), cfg.bias()));
        header.add(String.format(Locale.ROOT, "train: batch %d x block %d%s = %d tokens/iter; AdamW (lr schedule %s, wd %s, betas %s/%s), grad clip %s; "
                        + "%d warm-up + %d timed iters, the same batches on both sides (data %s)",
                tc.batchSize(), cfg.blockSize(), tc.gradAccum() > 1 ? " x " + tc.gradAccum() + " micro-batches" : "", tokensPerIter(),
                oc.schedule(), oc.weightDecay(), oc.beta1(), oc.beta2(), oc.gradClip(), warmup, iters, path));
        header.add(String.format(Locale.ROOT, "sample: %d tokens after a one-token prompt, temperature 1, median of %d runs (%d warm-up); "
                + "nanolm with its KV cache (Sampler) and without one; libtorch without one (nanoGPT's generate: full forward "
                + "on the last block-size tokens per token)", sampleTokens, sampleRuns, sampleWarmup));
        header.add("machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores | JDK " + Runtime.version()
                + " (" + System.getProperty("java.vm.name") + ") | JVM flags: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        header.add("nanolm: " + Parallel.threads() + " threads, kernels " + Kernels.get().name());
        if (torch) header.add(String.format(Locale.ROOT, "libtorch %s (DJL %s): %d intra-op threads, %d inter-op", Engine.getEngine("PyTorch").getVersion(),
                Engine.getDjlVersion(), JniUtils.getNumThreads(), JniUtils.getNumInteropThreads()));
    }

    private LanguageModel newModel(Rng rng) { return ModelType.create(settings.str("model"), cfg, rng); }

    private int tokensPerIter() { return tc.batchSize() * cfg.blockSize() * tc.gradAccum(); }

    /**
     * The run's model and batch sequence, as Trainer makes them: one Rng(seed) builds the model, then draws the
     * batches. Every side rebuilds both, so a side in another JVM gets the same weights and batches.
     */
    private record Work(LanguageModel model, List<int[][]> batches) {}

    private Work work() {
        Rng rng = new Rng(tc.seed());
        LanguageModel model = newModel(rng);
        int B = tc.batchSize(), T = cfg.blockSize();
        List<int[][]> batches = new ArrayList<>();
        for (int i = 0; i < (warmup + iters) * tc.gradAccum(); i++) {
            int[] X = new int[B * T], Y = new int[B * T];
            corpus.batch(Split.TRAIN, B, rng, X, Y);
            batches.add(new int[][] {X, Y});
        }
        return new Work(model, batches);
    }

    /** nanolm's training step, the same lines as Trainer.train's loop (replicated: they are few and Trainer has no step method). */
    private Row trainNanolm() {
        long before = startMeasure();
        Work w = work();
        LanguageModel model = w.model();
        model.train(true);
        List<Parameter> params = model.parameters();
        Optimizer opt = oc.build(params);
        dev.nanolm.tensor.Arena arena = new dev.nanolm.tensor.Arena(); // as Trainer: steps reuse activation arrays
        LrSchedule schedule = oc.schedule(tc.maxIters());
        int B = tc.batchSize(), T = cfg.blockSize(), accum = tc.gradAccum();
        float invAccum = 1f / accum;
        double[] ms = new double[iters], losses = new double[warmup + iters];
        double first = Double.NaN, last;
        long allocStart = 0;
        long[] threads = stepThreads();
        int[] X = new int[B * T], Y = new int[B * T]; // refilled in place, as Trainer does (a recorded step reads them)
        Replayer replayer = new Replayer(model.replayable());
        Supplier<Tensor> forward = () -> {
            Tensor loss = Ops.crossEntropy(model.logits(X, B, T), Y);
            return accum > 1 ? Ops.mulScalar(loss, invAccum) : loss;
        };
        for (int step = 0; step < warmup + iters; step++) {
            long s0 = System.nanoTime();
            float lossSum = 0;
            try (var scope = replayer.replaying() ? null : arena.step()) {
                opt.setLr(schedule.lr(step));
                opt.zeroGrad();
                for (int micro = 0; micro < accum; micro++) {
                    int[][] xy = w.batches().get(step * accum + micro);
                    System.arraycopy(xy[0], 0, X, 0, X.length);
                    System.arraycopy(xy[1], 0, Y, 0, Y.length);
                    lossSum += replayer.run(forward, arena).item();
                }
                if (oc.gradClip() > 0) GradClip.clip(params, oc.gradClip(), GradClip.globalNorm(params));
                opt.step();
            }
            if (step >= warmup) ms[step - warmup] = (System.nanoTime() - s0) / 1e6;
            if (step == 0) first = lossSum;
            losses[step] = lossSum;
            if (step == warmup - 1 || warmup == 0 && step == 0) allocStart = allocatedBytes(threads);
        }
        long allocated = allocatedBytes(threads) - allocStart; // read before the summary below allocates
        double med = Stats.median(ms, ms.length);
        last = tailMean(losses);
        int counted = warmup == 0 ? iters - 1 : iters;
        if (counted > 0) System.out.printf(Locale.ROOT, "  train, nanolm: %.2f KB allocated on the Java heap per iteration after warm-up (the training thread and the kernel workers)%n",
                allocated / 1e3 / counted);
        return row("train", "nanolm" + allocator(false), med, tokensPerIter() / (med / 1e3), first, last, before);
    }

    /** The same steps in libtorch: forward and backward in a GradientCollector, clip_grad_norm_, AdamW in torch ops. */
    private Row trainTorch() {
        long before = startMeasure();
        Work w = work();
        int B = tc.batchSize(), T = cfg.blockSize(), accum = tc.gradAccum();
        double[] ms = new double[iters], losses = new double[warmup + iters];
        double first = Double.NaN, last;
        try (NDManager m = Torch.manager()) {
            TorchGpt t = new TorchGpt(m, w.model(), cfg);
            t.train(true);
            Map<String, Float> decay = new LinkedHashMap<>();
            for (Parameter q : w.model().parameters())
                decay.put(q.name(), oc.decayOn().equals("all") || q.rank() >= 2 ? oc.weightDecay() : 0f);
            TorchRef.AdamW opt = new TorchRef.AdamW(t.params(), decay, oc.learningRate(), oc.beta1(), oc.beta2(), 1e-8f);
            LrSchedule schedule = oc.schedule(tc.maxIters());
            NDArray invAccum = Torch.scalar(m, 1f / accum);
            for (int step = 0; step < warmup + iters; step++) {
                long s0 = System.nanoTime();
                opt.setLr(schedule.lr(step));
                t.zeroGrad();
                float lossSum = 0;
                for (int micro = 0; micro < accum; micro++) {
                    int[][] xy = w.batches().get(step * accum + micro);
                    try (NDManager scope = t.scope(); GradientCollector gc = Torch.gradients()) {
                        NDArray loss = t.loss(xy[0], xy[1], T);
                        if (accum > 1) loss = loss.mul(invAccum);
                        gc.backward(loss);
                        lossSum += loss.getFloat();
                    }
                }
                if (oc.gradClip() > 0) t.clipGradNorm(oc.gradClip());
                opt.step();
                if (step >= warmup) ms[step - warmup] = (System.nanoTime() - s0) / 1e6;
                if (step == 0) first = lossSum;
                losses[step] = lossSum;
            }
        }
        double med = Stats.median(ms, ms.length);
        last = tailMean(losses);
        return row("train", "libtorch" + allocator(true), med, tokensPerIter() / (med / 1e3), first, last, before);
    }

    /** Mean training loss of the last (up to) TAIL steps: with many iterations, a smoothed end point of the two curves. */
    static final int TAIL = 100;

    private static double tailMean(double[] losses) {
        return Arrays.stream(losses, Math.max(0, losses.length - TAIL), losses.length).average().orElse(Double.NaN);
    }

    private int[] prompt() {
        int[] p = corpus.vocab().encode("\n");
        return p.length == 1 && p[0] >= 0 ? p : new int[] {0};
    }

    /** nanolm's Sampler: with the model's KV-cache decoder, or (cache=false) re-running logits on the last block. */
    private Row sampleNanolm(boolean cache) {
        long before = startMeasure();
        LanguageModel model = newModel(new Rng(tc.seed()));
        model.train(false);
        List<Double> tps = new ArrayList<>();
        for (int run = 0; run < sampleWarmup + sampleRuns; run++) {
            Rng rng = new Rng(tc.seed() + 1);
            long s0 = System.nanoTime();
            int n = cache ? new Sampler(model, 0).generate(prompt(), sampleTokens, Sampler.Options.plain(), rng, null, null).length
                          : generateWithoutCache(model, rng);
            if (run >= sampleWarmup) tps.add(n / ((System.nanoTime() - s0) / 1e9));
        }
        double tokS = Stats.median(tps);
        return row("sample", "nanolm, " + (cache ? "KV cache" : "no cache") + allocator(false), 1e3 / tokS, tokS,
                Double.NaN, Double.NaN, before);
    }

    /** nanoGPT's generate on nanolm: full forward on the last blockSize tokens for each new one. */
    private int generateWithoutCache(LanguageModel model, Rng rng) {
        int[] seq = Arrays.copyOf(prompt(), prompt().length + sampleTokens);
        int len = prompt().length, V = cfg.vocabSize();
        try (var g = Tape.noGrad()) {
            for (int i = 0; i < sampleTokens; i++) {
                int t = Math.min(len, cfg.blockSize());
                Tensor logits = model.logits(Arrays.copyOfRange(seq, len - t, len), 1, t);
                seq[len++] = Sampler.pick(Arrays.copyOfRange(logits.data, (t - 1) * V, t * V), Sampler.Options.plain(), rng);
            }
        }
        return sampleTokens;
    }

    /** libtorch without a cache, as nanoGPT's generate (outside a GradientCollector DJL records no autograd). */
    private Row sampleTorch() {
        long before = startMeasure();
        List<Double> tps = new ArrayList<>();
        try (NDManager m = Torch.manager()) {
            TorchGpt t = new TorchGpt(m, newModel(new Rng(tc.seed())), cfg);
            t.train(false);
            for (int run = 0; run < sampleWarmup + sampleRuns; run++) {
                Rng rng = new Rng(tc.seed() + 1);
                long s0 = System.nanoTime();
                int[] seq = Arrays.copyOf(prompt(), prompt().length + sampleTokens);
                int len = prompt().length;
                for (int i = 0; i < sampleTokens; i++) {
                    int n = Math.min(len, cfg.blockSize());
                    float[] last;
                    try (NDManager scope = t.scope()) {
                        last = t.logits(Arrays.copyOfRange(seq, len - n, len), 1, n).get(0, n - 1).toFloatArray();
                    }
                    seq[len++] = Sampler.pick(last, Sampler.Options.plain(), rng);
                }
                if (run >= sampleWarmup) tps.add(sampleTokens / ((System.nanoTime() - s0) / 1e9));
            }
        }
        double tokS = Stats.median(tps);
        return row("sample", "libtorch, no cache" + allocator(true), 1e3 / tokS, tokS, Double.NaN, Double.NaN, before);
    }

    // ------------------------------------------------------------------ memory and machine

    /** Collects garbage, resets the process's peak RSS (VmHWM) where Linux allows it, and returns VmRSS in kB. */
    private static long startMeasure() {
        System.gc();
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not resettable here: the peak then covers the process so far
        }
        return status("VmRSS");
    }

    private static Row row(String task, String side, double ms, double tokPerS, double first, double last, long before) {
        return new Row(task, side, ms, tokPerS, first, last, before, status("VmRSS"), status("VmHWM"));
    }

    /** The threads that run training steps: this one and the kernel pool's workers (not the JVM's own, e.g. JFR's). */
    static long[] stepThreads() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        return Arrays.stream(mx.getThreadInfo(mx.getAllThreadIds()))
                .filter(t -> t != null && (t.getThreadId() == me || t.getThreadName().startsWith("nanolm-worker")))
                .mapToLong(java.lang.management.ThreadInfo::getThreadId).toArray();
    }

    /** Bytes allocated so far by these threads (HotSpot's per-thread counters; the call itself allocates one long[]). */
    static long allocatedBytes(long[] threads) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(threads)) if (b > 0) sum += b;
        return sum;
    }

    /** A /proc/self/status field in kB, or -1 off Linux. */
    static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** ", tcmalloc" when libtcmalloc is mapped into this process (LD_PRELOAD); libtorch rows always name the allocator. */
    private static String allocator(boolean always) {
        boolean tc = false;
        try {
            tc = Files.readString(Path.of("/proc/self/maps")).contains("libtcmalloc");
        } catch (IOException | RuntimeException e) {
            // unknown: assume the default
        }
        return tc ? ", tcmalloc" : always ? ", glibc malloc" : "";
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }

    // ------------------------------------------------------------------ the table

    /** Header lines (each once, in order), then one row per side; speed ratios against the nanolm row of each task. */
    static void printReport(List<String> lines) {
        LinkedHashSet<String> head = new LinkedHashSet<>();
        List<Row> rs = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("H\t")) head.add(l.substring(2));
            else if (l.startsWith("R\t")) rs.add(Row.parse(l.split("\t", -1)));
        }
        rs.sort(java.util.Comparator.comparing(r -> r.task().equals("train") ? 0 : 1)); // stable: sides keep their order
        System.out.println();
        for (String h : head) System.out.println(h);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-6s  %-34s %12s %10s %17s %9s %9s %9s %12s%n", "task", "side", "ms/iter|tok", "tokens/s",
                "loss first->last", "RSS0 MB", "RSS1 MB", "peak MB", "nanolm/side");
        for (Row r : rs) {
            Row ref = rs.stream().filter(x -> x.task().equals(r.task()) && x.side().startsWith("nanolm")
                    && (r.task().equals("train") || x.side().contains("KV cache"))).findFirst().orElse(null);
            String ratio = ref == null || ref == r ? "" : String.format(Locale.ROOT, "%.2f", ref.tokensPerS() / r.tokensPerS());
            String loss = Double.isNaN(r.firstLoss()) ? "" : String.format(Locale.ROOT, "%.4f->%.4f", r.firstLoss(), r.lastLoss());
            System.out.printf(Locale.ROOT, "%-6s  %-34s %12.3f %10.0f %17s %9s %9s %9s %12s%n", r.task(), r.side(), r.ms(), r.tokensPerS(), loss,
                    mb(r.rssBeforeKb()), mb(r.rssAfterKb()), mb(r.peakKb()), ratio);
        }
        System.out.println();
        System.out.println("ms/iter|tok: median ms per training iteration (warm-up excluded) or per sampled token. loss first->last: the first");
        System.out.println("step's loss -> the mean loss of the last " + TAIL + " steps (warm-up included). RSS0/RSS1: the process's");
        System.out.println("resident memory before/after the row's work; peak: VmHWM during it (reset before each row; rows of one JVM share");
        System.out.println("its heap). nanolm/side: nanolm's tokens/s over the row's (> 1: nanolm faster); sampling rows are compared with");
        System.out.println("nanolm's KV-cache sampler. Past block-size tokens nanoGPT (and the no-cache rows) crop the context to the last");
        System.out.println("block-size tokens; nanolm's KV cache, when full, restarts on the last block-size/2 tokens (about two positions");
        System.out.println("per sampled token; the model always sees at least half a block).");
    }

    private static String mb(long kb) { return kb < 0 ? "?" : Long.toString(Math.round(kb / 1024.0)); }
}
