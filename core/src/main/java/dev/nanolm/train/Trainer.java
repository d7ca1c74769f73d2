// The training loop for every language model (nanoGPT's train.py shape): minibatches with gradient
// accumulation, AdamW or SGD on a schedule, gradient clipping, periodic evaluation, checkpoints (last and
// best), samples, metrics and summary in the run directory, bit-identical resume; stops at max-iters or
// at the max-time budget of training seconds.
package dev.nanolm.train;

import static dev.nanolm.train.Stats.round;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Replayer;
import dev.nanolm.autograd.Tape;
import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.data.LineData;
import dev.nanolm.data.LmData;
import dev.nanolm.data.LmData.Split;
import dev.nanolm.eval.LossEval;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.models.LanguageModel;
import dev.nanolm.models.ModelType;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.GradClip;
import dev.nanolm.optim.LrSchedule;
import dev.nanolm.optim.OptimConfig;
import dev.nanolm.optim.Optimizer;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

public final class Trainer {
    private final Settings settings;
    private final LmData data;
    private final DatasetRef dataRef;
    private final RunDir run;
    private final PrintStream log;
    private final Progress progress;

    public final Record modelConfig;
    public final TrainConfig tc;
    public final OptimConfig oc;

    /** Where the data came from: the name or path the user gave, the resolved file and its SHA-256. */
    public record DatasetRef(String name, String path, String sha256) {}

    public Trainer(Settings settings, LmData data, DatasetRef dataRef, RunDir run, PrintStream log) {
        this(settings, data, dataRef, run, log, Progress.forConsole(log));
    }

    /** With progress going somewhere else than a bar on log (a sweep draws one line for all its runs). */
    public Trainer(Settings settings, LmData data, DatasetRef dataRef, RunDir run, PrintStream log, Progress progress) {
        this.settings = settings;
        this.data = data;
        this.dataRef = dataRef;
        this.run = run;
        this.log = log;
        this.modelConfig = ModelType.config(settings, data.tokenizer().vocabSize());
        this.tc = TrainConfig.from(settings);
        this.oc = OptimConfig.from(settings);
        this.progress = progress;
        RunSamples.prompt(data, settings); // a bad --sample-prompt fails now, not at the first evaluation
    }

    /** Training steps reuse one another's activation arrays (see Arena); evaluation and sampling allocate. */
    private final Arena arena = new Arena();

    public Map<String, Object> train(boolean resume) {
        int threads = tc.threadsOrCores();
        Parallel.setThreads(threads);
        Rng rng = new Rng(tc.seed());
        String type = settings.str("model");
        LanguageModel model = ModelType.create(type, modelConfig, rng);
        model.train(true);
        List<Parameter> params = model.parameters();
        Optimizer opt = model.countsOnly() ? null : oc.build(params);
        Diagnostics diag = Diagnostics.create(settings, run, params); // null unless --diagnostics
        LrSchedule schedule = oc.schedule(tc.maxIters());
        RunState st = new RunState();
        if (resume) {
            if (!Files.exists(run.lastCheckpoint()))
                throw new DataException("nothing to resume: " + run.lastCheckpoint() + " does not exist", "start a new run without --resume");
            Checkpoint ck = Checkpoint.load(run.lastCheckpoint());
            CheckpointIO.checkCompatible(ck, type, modelConfig, data.tokenizer(), dataRef.sha256());
            CheckpointIO.restore(ck, model, opt, rng);
            st.step = Long.parseLong(ck.requireMeta("step"));
            st.bestVal = Double.parseDouble(ck.requireMeta("best_val_loss"));
            st.bestStep = Long.parseLong(ck.requireMeta("best_step"));
            String spent = ck.metadata().get("train_s"); // absent in checkpoints from before --max-time
            if (spent != null) st.trainedBefore = Double.parseDouble(spent);
            // a kill after this checkpoint left log lines (maybe half a line) for steps the resumed run will redo:
            // drop them, so the logs read as if the run had never stopped (--eval-only redoes nothing: kept)
            if (!tc.evalOnly()) {
                run.truncateJsonl(run.metrics(), st.step);
                run.truncateJsonl(run.diagnostics(), st.step);
            }
            log.printf("resuming %s from step %d (best val loss %.4f at step %d)%n", run.dir, st.step, st.bestVal, st.bestStep);
            if (st.step >= tc.maxIters()) log.printf("the run already has %d steps (--max-iters %d): nothing to train%n", st.step, tc.maxIters());
            else if (outOfTime(st)) log.printf("the run already trained %.1f s (--max-time %s): nothing to train%n", st.trainS(), settings.str("max-time"));
        }
        run.writeJson(run.config(), configJson(threads, model.numParams()));
        log.printf("model %s: %,d parameters, vocab %d, block %d | data %s %s | kernels %s, %d threads%n",
                type, model.numParams(), data.tokenizer().vocabSize(), data.T(), dataRef.name(), data.sizes(), Kernels.get().name(), threads);
        if (tc.evalOnly()) {
            // nanoGPT's eval_only: one estimate of both splits, nothing trained or written but metrics and summary
            estimate(model, st);
            log.printf("step %d: train loss %.4f, val loss %.4f (eval only)%n", st.step, st.lastTrain, st.lastVal);
            return writeSummary(model, st, Double.NaN, System.nanoTime(), new Stats.Series(0), threads);
        }
        if (st.step == 0) {
            double init = evalLoss(model, Split.VAL, new Rng(tc.seed() * 31));
            log.printf("step 0: val loss %.4f (ln(vocab) = %.4f is a uniform guess; far above it means a bad init)%n", init, Math.log(data.tokenizer().vocabSize()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", 0);
            row.put("val_loss", round(init));
            row.put("elapsed_s", 0.0);
            run.appendMetric(row);
            // what the untrained model writes, and what the val text really says after the prompt (for the report)
            writeSample(model, 0);
            String prompt = RunSamples.prompt(data, settings), truth = RunSamples.truth(data, settings);
            if (prompt != null) run.writeText(run.dir.resolve("samples").resolve("prompt.txt"), prompt);
            if (truth != null) run.writeText(run.dir.resolve("samples").resolve("truth.txt"), truth);
        }

        long t0 = System.nanoTime();
        st.clockStart = t0;
        Stats.Series stepMs = new Stats.Series(tc.maxIters() - st.step); // times of this session's steps
        if (model.countsOnly()) {
            LineData ld = (LineData) data;
            model.fitCounts(ld.trainWindows().X(), ld.trainWindows().Y(), ld.trainWindows().n());
            st.step = tc.maxIters();
            evaluate(model, opt, rng, st);
        } else {
            boolean full = tc.batchSize() == 0;
            int B = full ? data.fullCount(Split.TRAIN) : tc.batchSize();
            int T = data.T(), Ty = data.targetsPerExample();
            int[] X = new int[B * T], Y = new int[B * Ty];
            if (full) data.fullBatch(Split.TRAIN, 0, B, X, Y);
            double logLoss = 0;
            int logCount = 0;
            float invAccum = 1f / tc.gradAccum();
            int skipped = 0;
            boolean timeUp = outOfTime(st);
            // A model whose step is the same graph every time is recorded once and then replayed on each new batch:
            // no model code, no new Tensors or closures per step (diagnostics hook the model code, so they run eagerly).
            Replayer replayer = new Replayer(tc.replay() && model.replayable() && diag == null);
            Supplier<Tensor> forward = () -> {
                Tensor loss = Ops.crossEntropy(model.logits(X, B, T), Y);
                if (oc.l2() > 0) loss = Ops.add(loss, l2Penalty(params, oc.l2()));
                return tc.gradAccum() > 1 ? Ops.mulScalar(loss, invAccum) : loss;
            };
            while (st.step < tc.maxIters() && !timeUp) {
                long s0 = System.nanoTime();
                float lr = schedule.lr(st.step);
                float lossSum = 0;
                // an eager step's activations and their gradients are the last step's arrays; a replay has its own
                try (var step = replayer.replaying() ? null : arena.step()) {
                    opt.setLr(lr);
                    opt.zeroGrad();
                    if (diag != null) diag.beforeStep(st.step + 1);
                    for (int micro = 0; micro < tc.gradAccum(); micro++) {
                        if (!full) data.batch(Split.TRAIN, B, rng, X, Y);
                        Tensor loss = replayer.run(forward, arena);
                        lossSum += loss.item();
                    }
                    boolean badLoss = !Float.isFinite(lossSum);
                    // a sum of squares in double is finite unless a gradient is NaN or infinite (float squares cannot overflow it)
                    double gradNorm = badLoss ? Double.NaN : GradClip.globalNorm(params);
                    String badParam = badLoss || Double.isFinite(gradNorm) ? null : firstNonFiniteGrad(params);
                    if (badLoss || badParam != null) {
                        if (skipped >= tc.skipNonfinite()) throw new NonFiniteLossException(st.step + 1, lr, badParam, skipped);
                        skipped++;
                        progress.clear();
                        log.printf("step %d: %s is NaN or infinite; step skipped, no update (%d of --skip-nonfinite %d)%n",
                                st.step + 1, badLoss ? "the loss" : "the gradient of " + badParam, skipped, tc.skipNonfinite());
                    } else {
                        if (oc.gradClip() > 0) GradClip.clip(params, oc.gradClip(), gradNorm);
                        opt.step();
                        if (diag != null) diag.afterStep(st.step + 1, lr);
                    }
                }
                st.step++;
                double ms = (System.nanoTime() - s0) / 1e6;
                stepMs.add(ms);
                logLoss += lossSum;
                logCount++;
                progress.update(st.step, tc.maxIters(), lossSum, (System.nanoTime() - t0) / 1e9, stepMs.size(), (long) B * Ty * tc.gradAccum());
                if (st.step % tc.logInterval() == 0 || st.step == 1) {
                    double mean = logLoss / logCount;
                    double tokPerS = (double) B * Ty * tc.gradAccum() / (ms / 1e3);
                    progress.clear();
                    log.printf("iter %d/%d: loss %.4f, lr %.4g, time %.2f ms, tok/s %.0f%n", st.step, tc.maxIters(), mean, lr, ms, tokPerS);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("step", st.step);
                    row.put("loss", round(mean));
                    row.put("lr", lr);
                    row.put("ms", round(ms));
                    run.appendMetric(row);
                    logLoss = 0;
                    logCount = 0;
                }
                timeUp = outOfTime(st); // checked at step boundaries only: the last step is finished, then evaluated
                if (st.step % tc.evalInterval() == 0 || st.step == tc.maxIters() || timeUp) {
                    arena.release(); // evaluation and sampling allocate their own arrays; the step's need not stay beside them
                    replayer.drop(); // (a recording holds them too; the next step records again)
                    progress.clear();
                    evaluate(model, opt, rng, st);
                    writeSummary(model, st, Double.NaN, t0, stepMs, threads);
                    timeUp = outOfTime(st); // spent during this evaluation: stop here, not one step and evaluation later
                }
            }
        }
        st.stopClock(); // the test-split losses below are reporting, not training
        progress.clear();
        double testLoss = data.has(Split.TEST) ? LossEval.fullSplit(model, data, Split.TEST, evalBatch()) : Double.NaN;
        double testAtBest = testAtBest(st);
        st.stoppedBy = st.step >= tc.maxIters() ? "max_iters" : "max_time";
        if (st.stoppedBy.equals("max_time")) log.printf("stopped at step %d of %d: the --max-time budget (%s) is spent%n", st.step, tc.maxIters(), settings.str("max-time"));
        log.printf("done: train %.4f, val %.4f (best %.4f at step %d)%s%s, %.1f s%n", st.lastTrain, st.lastVal, st.bestVal, st.bestStep,
                Double.isNaN(testLoss) ? "" : String.format(", test %.4f", testLoss),
                Double.isNaN(testAtBest) ? "" : String.format(" (%.4f with the best checkpoint)", testAtBest), (System.nanoTime() - t0) / 1e9);
        Map<String, Object> summary = writeSummary(model, st, testLoss, t0, stepMs, threads);
        if (!Double.isNaN(testAtBest) || summary.containsKey("test_loss_at_best")) { // (a resumed run's old figure goes)
            if (Double.isNaN(testAtBest)) summary.remove("test_loss_at_best");
            else summary.put("test_loss_at_best", round(testAtBest));
            run.writeJson(run.summary(), summary);
        }
        return summary;
    }

    /**
     * Test loss of the best-val checkpoint when it is not the final model (early stopping on val, as makemore
     * keeps the best model): the honest test figure for a run that overfits. NaN when there is nothing to add.
     */
    private double testAtBest(RunState st) {
        if (!data.has(Split.TEST) || st.bestStep < 0 || st.bestStep == st.step || !Files.exists(run.bestCheckpoint())) return Double.NaN;
        Checkpoint ck = Checkpoint.load(run.bestCheckpoint());
        if (Long.parseLong(ck.requireMeta("step")) != st.bestStep) return Double.NaN;
        return LossEval.fullSplit(CheckpointIO.loadModel(ck), data, Split.TEST, evalBatch());
    }

    /** The name of the first parameter whose gradient holds a NaN or infinity, or null. */
    private static String firstNonFiniteGrad(List<Parameter> params) {
        for (Parameter p : params) {
            if (!p.value().hasGrad()) continue;
            for (float x : p.value().grad()) if (!Float.isFinite(x)) return p.name();
        }
        return null;
    }

    /** The loop's progress that checkpoints carry. */
    static final class RunState {
        long step;
        double bestVal = Double.POSITIVE_INFINITY, lastTrain = Double.NaN, lastVal = Double.NaN;
        long bestStep = -1;
        double trainedBefore; // training seconds of the sessions before a resume (the checkpoint's train_s)
        long clockStart = -1; // System.nanoTime() when this session's training loop began; -1 before it
        String stoppedBy; // max_iters or max_time once the loop has ended

        /** Training seconds so far: steps and evaluations of every session (not loading, not the step-0 evaluation). */
        double trainS() { return trainedBefore + (clockStart < 0 ? 0 : (System.nanoTime() - clockStart) / 1e9); }

        void stopClock() { trainedBefore = trainS(); clockStart = -1; }
    }

    private boolean outOfTime(RunState st) { return tc.maxTimeS() > 0 && st.trainS() >= tc.maxTimeS(); }

    /** l2 * mean(W^2) summed over the weight matrices, as makemore part 1's 0.01*(W**2).mean(). */
    private static Tensor l2Penalty(List<Parameter> params, float l2) {
        Tensor total = null;
        for (Parameter p : params) {
            if (p.value().rank() < 2) continue;
            Tensor term = Ops.mean(Ops.mul(p.value(), p.value()));
            total = total == null ? term : Ops.add(total, term);
        }
        return Ops.mulScalar(total, l2);
    }

    private int evalBatch() {
        return data.targetsPerExample() == 1 ? 8192 : Math.max(1, Math.min(64, Math.max(tc.batchSize(), 8)));
    }

    private double evalLoss(LanguageModel model, Split split, Rng evalRng) {
        if (tc.evalIters() == 0) return LossEval.fullSplit(model, data, split, evalBatch());
        return LossEval.sampled(model, data, split, tc.evalIters(), Math.max(1, tc.batchSize()), evalRng);
    }

    /** Train and val loss estimates at st.step, into st and metrics.jsonl. */
    private void estimate(LanguageModel model, RunState st) {
        Rng evalRng = new Rng(tc.seed() * 31 + st.step); // not the training RNG: evaluation never changes the run
        st.lastTrain = evalLoss(model, Split.TRAIN, evalRng);
        st.lastVal = evalLoss(model, Split.VAL, evalRng);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", st.step);
        row.put("train_loss", round(st.lastTrain));
        row.put("val_loss", round(st.lastVal));
        row.put("elapsed_s", round(st.trainS())); // val curves by wall time (compare)
        run.appendMetric(row);
        dev.nanolm.report.RunPlots.update(run.dir, log); // redraws plots/loss.png and .svg from metrics.jsonl
    }

    private void evaluate(LanguageModel model, Optimizer opt, Rng rng, RunState st) {
        estimate(model, st);
        boolean better = st.lastVal < st.bestVal;
        if (better) { st.bestVal = st.lastVal; st.bestStep = st.step; }
        log.printf("step %d: train loss %.4f, val loss %.4f%s%n", st.step, st.lastTrain, st.lastVal, better ? " (best so far)" : "");
        writeSample(model, st.step);
        if (!better && !tc.alwaysSaveCheckpoint()) return; // nanoGPT: only an improvement is saved
        Checkpoint ck = CheckpointIO.capture(model, opt, rng, data.tokenizer(), checkpointMeta(st));
        // best before last: a kill between the two leaves last at the previous evaluation, whose metadata names a
        // best step that best.safetensors still holds (or that the resumed run rewrites identically)
        if (better) ck.save(run.bestCheckpoint());
        ck.save(run.lastCheckpoint());
    }

    /** samples/step-NNNNNN.txt, from its own RNG seeded the same at every step (training's RNG is untouched). */
    private void writeSample(LanguageModel model, long step) {
        String sample = RunSamples.atEvaluation(model, data, settings, new Rng(tc.seed() + 7));
        if (sample != null) run.writeText(run.sample(step), sample);
    }

    private LinkedHashMap<String, String> checkpointMeta(RunState st) {
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(st.step));
        meta.put("best_val_loss", Double.toString(st.bestVal));
        meta.put("best_step", Long.toString(st.bestStep));
        meta.put("train_s", Double.toString(st.trainS()));
        meta.put("settings", Json.compact(settings.asMap()));
        meta.put("dataset", dataRef.name());
        meta.put("dataset_sha256", dataRef.sha256());
        return meta;
    }

    private Map<String, Object> writeSummary(LanguageModel model, RunState st, double testLoss, long t0, Stats.Series stepMs, int threads) {
        Map<String, Object> s = new LinkedHashMap<>();
        if (Files.exists(run.summary())) s.putAll(run.readJson(run.summary())); // keep what `eval` added
        s.put("model", model.type());
        s.put("params", model.numParams());
        s.put("dataset", dataRef.name());
        s.put("tokenizer", data.tokenizer().name());
        s.put("vocab_size", data.tokenizer().vocabSize());
        s.put("iters", st.step);
        if (!Double.isNaN(st.lastTrain)) s.put("final_train_loss", round(st.lastTrain));
        if (!Double.isNaN(st.lastVal)) s.put("final_val_loss", round(st.lastVal));
        if (st.bestStep >= 0) { s.put("best_val_loss", round(st.bestVal)); s.put("best_step", st.bestStep); }
        if (!Double.isNaN(testLoss)) s.put("test_loss", round(testLoss));
        s.put("wall_s", round((System.nanoTime() - t0) / 1e9));
        s.put("train_s", round(st.trainS()));
        if (st.stoppedBy != null) s.put("stopped_by", st.stoppedBy);
        else if (!tc.evalOnly()) s.remove("stopped_by"); // still training (a resumed run's summary held the old one)
        if (!stepMs.isEmpty()) {
            double med = stepMs.median();
            s.put("train_ms_per_iter_median", round(med));
            s.put("train_tokens_per_s", Math.round((double) Math.max(1, tc.batchSize()) * data.targetsPerExample() * tc.gradAccum() / (med / 1e3)));
        }
        s.put("threads", threads);
        s.put("jdk", Runtime.version().toString());
        run.writeJson(run.summary(), s);
        return s;
    }

    private Map<String, Object> configJson(int threads, long params) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("settings", settings.asMap());
        c.put("model", modelConfig);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", dataRef.name());
        d.put("path", dataRef.path());
        d.put("sha256", dataRef.sha256());
        d.put("sizes", data.sizes());
        c.put("data", d);
        RunDir.putEnvironment(c, params, threads);
        return c;
    }

}
