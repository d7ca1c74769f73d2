// The training loop for window models on a line dataset (makemore): minibatch SGD/AdamW, periodic full-split
// evaluation, checkpoints (last and best), samples, metrics and summary in the run directory, resume.
package dev.nanolm.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.data.LineDataset;
import dev.nanolm.data.LineDataset.Windows;
import dev.nanolm.eval.LossEval;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.models.ModelConfig;
import dev.nanolm.models.ModelType;
import dev.nanolm.models.WindowModel;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.GradClip;
import dev.nanolm.optim.LrSchedule;
import dev.nanolm.optim.OptimConfig;
import dev.nanolm.optim.Optimizer;
import dev.nanolm.sample.WindowSampler;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class LineTrainer {
    private final Settings settings;
    private final LineDataset data;
    private final DatasetRef dataRef;
    private final RunDir run;
    private final PrintStream log;

    public final ModelConfig modelConfig;
    public final TrainConfig trainConfig;
    public final OptimConfig optimConfig;

    /** Where the data came from: the name or path the user gave, the resolved file and its SHA-256. */
    public record DatasetRef(String name, String path, String sha256) {}

    public LineTrainer(Settings settings, LineDataset data, DatasetRef dataRef, RunDir run, PrintStream log) {
        this.settings = settings;
        this.data = data;
        this.dataRef = dataRef;
        this.run = run;
        this.log = log;
        this.modelConfig = ModelConfig.from(settings, data.vocab.size());
        this.trainConfig = TrainConfig.from(settings);
        this.optimConfig = OptimConfig.from(settings);
    }

    public Map<String, Object> train(boolean resume) {
        TrainConfig tc = trainConfig;
        int threads = tc.threads() > 0 ? tc.threads() : Runtime.getRuntime().availableProcessors();
        Parallel.setThreads(threads);
        Rng rng = new Rng(tc.seed());
        WindowModel model = ModelType.create(modelConfig, rng);
        model.train(true);
        List<Parameter> params = model.parameters();
        Optimizer opt = optimConfig.build(params);
        LrSchedule schedule = optimConfig.schedule(tc.maxIters());
        int T = modelConfig.blockSize();
        Windows trainW = data.windows(data.train, T), devW = data.windows(data.dev, T), testW = data.windows(data.test, T);

        long step = 0;
        double bestVal = Double.POSITIVE_INFINITY;
        long bestStep = -1;
        if (resume) {
            if (!Files.exists(run.lastCheckpoint()))
                throw new DataException("nothing to resume: " + run.lastCheckpoint() + " does not exist", "start a new run without --resume");
            Checkpoint ck = Checkpoint.load(run.lastCheckpoint());
            CheckpointIO.checkCompatible(ck, modelConfig, data.vocab, dataRef.sha256());
            CheckpointIO.restore(ck, model, opt, rng);
            step = Long.parseLong(ck.requireMeta("step"));
            bestVal = Double.parseDouble(ck.requireMeta("best_val_loss"));
            bestStep = Long.parseLong(ck.requireMeta("best_step"));
            log.printf("resuming %s from step %d (best dev loss %.4f at step %d)%n", run.dir, step, bestVal, bestStep);
        }
        run.writeJson(run.config(), configJson(threads, model.numParams()));

        log.printf("model %s: %,d parameters, vocab %d, block %d | data %s: %,d train / %,d dev / %,d test examples | kernels %s, %d threads%n",
                modelConfig.type(), model.numParams(), data.vocab.size(), T, dataRef.name(), trainW.n(), devW.n(), testW.n(),
                Kernels.get().name(), threads);
        if (step == 0) {
            double init = LossEval.fullSplit(model, devW);
            log.printf("step 0: dev loss %.4f (ln(vocab) = %.4f: a uniform guess)%n", init, Math.log(data.vocab.size()));
        }

        long t0 = System.nanoTime();
        List<Double> stepMs = new ArrayList<>();
        double lastTrainLoss = Double.NaN, lastValLoss = Double.NaN;
        if (model.countsOnly()) {
            model.fitCounts(trainW.X(), trainW.Y(), trainW.n());
            step = tc.maxIters();
            Evaluation e = evaluate(model, trainW, devW, step, tc);
            lastTrainLoss = e.train;
            lastValLoss = e.val;
            bestVal = e.val;
            bestStep = step;
            saveCheckpoints(model, opt, rng, step, bestVal, bestStep, true);
        } else {
            int B = tc.batchSize() == 0 ? trainW.n() : tc.batchSize();
            int[] X = new int[B * T], Y = new int[B];
            double logLoss = 0;
            int logCount = 0;
            for (; step < tc.maxIters(); ) {
                long s0 = System.nanoTime();
                float lr = schedule.lr(step);
                opt.setLr(lr);
                gather(trainW, B, X, Y, rng, tc.batchSize() == 0);
                Tensor loss = Ops.crossEntropy(model.logits(X, B), Y);
                if (optimConfig.l2() > 0) loss = Ops.add(loss, l2Penalty(params, optimConfig.l2()));
                opt.zeroGrad();
                Tape.backward(loss);
                float lv = loss.item();
                if (!Float.isFinite(lv))
                    throw new NonFiniteLossException(step, lr);
                if (optimConfig.gradClip() > 0) GradClip.clipGlobalNorm(params, optimConfig.gradClip());
                opt.step();
                step++;
                double ms = (System.nanoTime() - s0) / 1e6;
                stepMs.add(ms);
                logLoss += lv;
                logCount++;
                if (step % tc.logInterval() == 0 || step == 1) {
                    double mean = logLoss / logCount;
                    log.printf("step %d/%d: loss %.4f, lr %.4g, %.3f ms/step%n", step, tc.maxIters(), mean, lr, ms);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("step", step);
                    row.put("loss", round(mean));
                    row.put("lr", lr);
                    row.put("ms", round(ms));
                    run.appendMetric(row);
                    logLoss = 0;
                    logCount = 0;
                }
                if (step % tc.evalInterval() == 0 || step == tc.maxIters()) {
                    Evaluation e = evaluate(model, trainW, devW, step, tc);
                    lastTrainLoss = e.train;
                    lastValLoss = e.val;
                    boolean better = e.val < bestVal;
                    if (better) { bestVal = e.val; bestStep = step; }
                    saveCheckpoints(model, opt, rng, step, bestVal, bestStep, better);
                    writeSummary(model, step, lastTrainLoss, lastValLoss, bestVal, bestStep, Double.NaN, t0, stepMs, threads);
                }
            }
        }
        double testLoss = LossEval.fullSplit(model, testW);
        log.printf("done: train %.4f, dev %.4f (best %.4f at step %d), test %.4f, %.1f s%n",
                lastTrainLoss, lastValLoss, bestVal, bestStep, testLoss, (System.nanoTime() - t0) / 1e9);
        return writeSummary(model, step, lastTrainLoss, lastValLoss, bestVal, bestStep, testLoss, t0, stepMs, threads);
    }

    /** A minibatch of random training windows (with replacement, as the lecture), or the whole split in order. */
    private static void gather(Windows w, int B, int[] X, int[] Y, Rng rng, boolean all) {
        int T = w.blockSize();
        for (int i = 0; i < B; i++) {
            int r = all ? i : rng.nextInt(w.n());
            System.arraycopy(w.X(), r * T, X, i * T, T);
            Y[i] = w.Y()[r];
        }
    }

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

    private record Evaluation(double train, double val) {}

    private Evaluation evaluate(WindowModel model, Windows trainW, Windows devW, long step, TrainConfig tc) {
        Rng evalRng = new Rng(tc.seed() * 31 + step); // separate from the training RNG: evaluation never changes the run
        double tr, va;
        if (tc.evalIters() == 0) {
            tr = LossEval.fullSplit(model, trainW);
            va = LossEval.fullSplit(model, devW);
        } else {
            int B = Math.max(1, tc.batchSize());
            tr = LossEval.sampled(model, trainW, tc.evalIters(), B, evalRng);
            va = LossEval.sampled(model, devW, tc.evalIters(), B, evalRng);
        }
        log.printf("step %d: train loss %.4f, dev loss %.4f%n", step, tr, va);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("train_loss", round(tr));
        row.put("val_loss", round(va));
        run.appendMetric(row);
        if (tc.evalSamples() > 0) {
            WindowSampler sampler = new WindowSampler(model, data.vocab);
            StringBuilder sb = new StringBuilder();
            var trainSet = data.trainSet();
            for (int i = 0; i < tc.evalSamples(); i++) {
                String s = sampler.sampleOne(evalRng, 1f, 0, Math.max(64, 4 * data.maxLength));
                sb.append(s).append(trainSet.contains(s) ? "  (in train)" : "").append('\n');
            }
            run.writeText(run.sample(step), sb.toString());
        }
        return new Evaluation(tr, va);
    }

    private void saveCheckpoints(WindowModel model, Optimizer opt, Rng rng, long step, double bestVal, long bestStep, boolean best) {
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(step));
        meta.put("best_val_loss", Double.toString(bestVal));
        meta.put("best_step", Long.toString(bestStep));
        meta.put("settings", json(settings.asMap()));
        meta.put("dataset", dataRef.name());
        meta.put("dataset_sha256", dataRef.sha256());
        Checkpoint ck = CheckpointIO.capture(model, opt, rng, data.vocab, meta);
        ck.save(run.lastCheckpoint());
        if (best) ck.save(run.bestCheckpoint());
    }

    private Map<String, Object> writeSummary(WindowModel model, long step, double trainLoss, double valLoss, double bestVal,
                                             long bestStep, double testLoss, long t0, List<Double> stepMs, int threads) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", modelConfig.type());
        s.put("params", model.numParams());
        s.put("dataset", dataRef.name());
        s.put("tokenizer", "char");
        s.put("vocab_size", data.vocab.size());
        s.put("iters", step);
        if (!Double.isNaN(trainLoss)) s.put("final_train_loss", round(trainLoss));
        if (!Double.isNaN(valLoss)) s.put("final_val_loss", round(valLoss));
        if (bestStep >= 0) { s.put("best_val_loss", round(bestVal)); s.put("best_step", bestStep); }
        if (!Double.isNaN(testLoss)) s.put("test_loss", round(testLoss));
        s.put("wall_s", round((System.nanoTime() - t0) / 1e9));
        if (!stepMs.isEmpty()) s.put("train_ms_per_iter_median", round(median(stepMs)));
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
        d.put("items", Map.of("train", data.train.size(), "dev", data.dev.size(), "test", data.test.size()));
        c.put("data", d);
        c.put("params", params);
        c.put("threads", threads);
        c.put("kernels", Kernels.get().name());
        c.put("nanolm_version", Version.VERSION);
        c.put("jvm", System.getProperty("java.vm.name") + " " + Runtime.version());
        return c;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static double round(double v) { return Math.round(v * 1e6) / 1e6; }

    static String json(Object o) {
        try {
            return RunDir.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
