// Trains a text classifier by epochs (shuffled with the seed, Adam, cross-entropy) into a run directory:
// config.json, metrics.jsonl (evaluations twice per epoch), summary.json, checkpoints/{last,best}, plots/.
package dev.nanolm.classify;

import static dev.nanolm.train.Stats.round;

import dev.nanolm.autograd.Ops;
import dev.nanolm.autograd.Tape;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.Catalog;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.nn.Parameter;
import dev.nanolm.optim.AdamW;
import dev.nanolm.optim.GradClip;
import dev.nanolm.tensor.Arena;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.train.NonFiniteLossException;
import dev.nanolm.train.RunDir;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class ClassifyTrainer {
    /** The well-known homework's fixed evaluation sample: 5,000 test rows drawn with replacement, seed 42. */
    public static final int SAMPLE_SIZE = 5000, SAMPLE_SEED = 42;

    private final Settings s;
    private final ClassifyData data;
    private final RunDir run;
    private final PrintStream log;
    private final Arena arena = new Arena();

    public ClassifyTrainer(Settings s, ClassifyData data, RunDir run, PrintStream log) {
        this.s = s;
        this.data = data;
        this.run = run;
        this.log = log;
    }

    /** Checks the training settings (not the model's, which need the data) before anything is loaded. */
    public static void check(Settings s) {
        if (s.integer("epochs") <= 0) throw new ConfigException("--epochs must be positive, got " + s.integer("epochs"), "use --epochs 5");
        if (s.integer("batch-size") <= 0) throw new ConfigException("--batch-size must be positive for a classifier, got " + s.integer("batch-size"), "use --batch-size 32");
        if (s.integer("max-len") < 3) throw new ConfigException("--max-len must be at least 3 (<bos>, a word, <eos>), got " + s.integer("max-len"), "use --max-len 256");
        if (s.integer("min-count") < 0) throw new ConfigException("--min-count must be >= 0, got " + s.integer("min-count"), "use --min-count 25");
        if (!(s.number("learning-rate") > 0)) throw new ConfigException("--learning-rate must be positive", "use --learning-rate 1e-3");
        new ClassifierConfig(s.str("model"), 10, s.integer("n-embd"), s.integer("n-hidden"), s.integer("n-layer"), s.bool("bidirectional"),
                s.number("dropout"), s.str("aggregation"), s.bool("concat-last"), s.bool("mean-includes-padding"), 2);
        s.bool("bucket");
    }

    public Map<String, Object> train() {
        int threads = s.integer("threads") > 0 ? s.integer("threads") : Runtime.getRuntime().availableProcessors();
        Parallel.setThreads(threads);
        long seed = s.longValue("seed");
        int B = s.integer("batch-size"), epochs = s.integer("epochs"), maxLen = s.integer("max-len");
        WordVocab vocab = WordVocab.build(data.train().texts(), s.integer("min-count"));
        Batches.Encoded tr = Batches.Encoded.of(data.train(), vocab, maxLen), te = Batches.Encoded.of(data.test(), vocab, maxLen);
        List<String> classes = data.train().classes();
        ClassifierConfig cfg = ClassifierConfig.from(s, vocab.size(), classes.size());
        Rng rng = new Rng(seed);
        RnnClassifier model = new RnnClassifier(cfg, rng);
        model.train(true);
        List<Parameter> params = model.parameters();
        AdamW opt = new AdamW(params, s.number("learning-rate"), s.number("beta1"), s.number("beta2"), 1e-8f, s.number("weight-decay"));
        TrainStep stepper = new TrainStep(model, opt, s.number("grad-clip"));
        int[] sample = new int[SAMPLE_SIZE];
        Rng sr = new Rng(SAMPLE_SEED);
        for (int i = 0; i < SAMPLE_SIZE; i++) sample[i] = sr.nextInt(te.size());
        int[] allTest = new int[te.size()];
        for (int i = 0; i < allTest.length; i++) allTest[i] = i;

        run.writeJson(run.config(), configJson(cfg, vocab, threads, model.numParams()));
        log.printf("classifier %s: %,d parameters | vocabulary %d words (min-count %d; %.1f%% of train tokens unknown) | "
                        + "train %d rows, test %d rows, %d classes %s | mean length %.1f tokens | kernels %s, %d threads%n",
                cfg.cell(), model.numParams(), vocab.size(), s.integer("min-count"), 100 * vocab.unknownShare(data.train().texts()),
                tr.size(), te.size(), classes.size(), classes, tr.meanLength(), Kernels.get().name(), threads);

        int N = tr.size(), nb = (N + B - 1) / B;
        int evalsPerEpoch = Math.max(1, Math.min(nb, s.integer("evals-per-epoch")));
        long step = 0;
        double best = -1, bestEpoch = 0;
        Scores last = null;
        Evaluator.Result lastEval = null;
        List<Double> epochSeconds = new ArrayList<>();
        long t0 = System.nanoTime(), estimateFrom = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long e0 = System.nanoTime();
            double evalNs = 0;
            int[] order = EpochOrder.of(tr, rng, B, s.bool("bucket"));
            double lossSum = 0;
            long seen = 0, correct = 0;
            int nextEval = 1;
            for (int bi = 0; bi < nb; bi++) {
                Batches.Batch b = tr.batch(order, bi * B, Math.min(N, (bi + 1) * B));
                TrainStep.Result r = stepper.run(b, rng);
                float loss = r.loss();
                correct += r.correct();
                step++;
                lossSum += loss * b.B();
                seen += b.B();
                // the estimate times batches 20..60 of the first epoch: the first ones run while the JIT compiles
                if (epoch == 1 && bi == Math.min(nb, 20) - 1) estimateFrom = System.nanoTime();
                if (epoch == 1 && bi == Math.min(nb, 60) - 1) {
                    double perStep = (System.nanoTime() - (nb >= 60 ? estimateFrom : e0)) / 1e9 / (nb >= 60 ? 40 : bi + 1);
                    log.printf("estimate: %.0f s per epoch of training (%d batches of %d), %.0f s for %d epochs, plus evaluations%n",
                            perStep * nb, nb, B, perStep * nb * epochs, epochs);
                }
                if (bi + 1 == (long) nb * nextEval / evalsPerEpoch) {
                    nextEval++;
                    long v0 = System.nanoTime();
                    double ep = epoch - 1 + (double) (bi + 1) / nb;
                    lastEval = Evaluator.run(model, te, 256, false);
                    double acc = lastEval.accuracy(te.labels(), allTest);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("step", step);
                    row.put("epoch", round(ep));
                    row.put("train_loss", round(lossSum / seen));
                    row.put("train_accuracy", round((double) correct / seen));
                    row.put("test_loss", round(lastEval.meanLoss(allTest)));
                    row.put("test_accuracy", round(acc));
                    row.put("sample_loss", round(lastEval.meanLoss(sample)));
                    row.put("sample_accuracy", round(lastEval.accuracy(te.labels(), sample)));
                    run.appendMetric(row);
                    boolean better = acc > best;
                    if (better) { best = acc; bestEpoch = ep; }
                    log.printf("epoch %.2f: train loss %.4f acc %.4f | test loss %.4f acc %.4f | 5k sample acc %.4f%s%n", ep,
                            lossSum / seen, (double) correct / seen, lastEval.meanLoss(allTest), acc,
                            lastEval.accuracy(te.labels(), sample), better ? " (best so far)" : "");
                    LinkedHashMap<String, String> meta = new LinkedHashMap<>();
                    meta.put("step", Long.toString(step));
                    meta.put("epoch", Double.toString(round(ep)));
                    meta.put("test_accuracy", Double.toString(acc));
                    meta.put("settings", dev.nanolm.train.Json.compact(s.asMap()));
                    if (better) ClassifierCheckpoint.save(run.bestCheckpoint(), model, opt, vocab, classes, meta);
                    ClassifierCheckpoint.save(run.lastCheckpoint(), model, opt, vocab, classes, meta);
                    ClassifyPlots.update(run.dir, log);
                    evalNs += System.nanoTime() - v0;
                    // running train figures restart, so each row's train loss covers the batches since the last row
                    lossSum = 0;
                    seen = correct = 0;
                }
            }
            double secs = (System.nanoTime() - e0) / 1e9;
            epochSeconds.add(round(secs - evalNs / 1e9));
            log.printf("epoch %d/%d: %.1f s (training %.1f s, evaluation %.1f s)%n", epoch, epochs, secs, secs - evalNs / 1e9, evalNs / 1e9);
        }
        last = new Scores(te.labels(), lastEval.predicted(), classes);
        log.print(last.table());
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("model", "classifier-" + cfg.cell());
        sum.put("params", model.numParams());
        sum.put("dataset", data.name());
        sum.put("tokenizer", "words");
        sum.put("vocab_size", vocab.size());
        sum.put("epochs", epochs);
        sum.put("iters", step);
        sum.put("test_accuracy", round(last.accuracy()));
        sum.put("best_test_accuracy", round(best));
        sum.put("best_epoch", round(bestEpoch));
        sum.put("sample_accuracy", round(lastEval.accuracy(te.labels(), sample)));
        sum.put("final_test_loss", round(lastEval.meanLoss(allTest)));
        sum.put("classes", classes);
        sum.put("per_class", last.perClass());
        sum.put("confusion_matrix", last.confusionList());
        sum.put("train_s_per_epoch", epochSeconds);
        sum.put("wall_s", round((System.nanoTime() - t0) / 1e9));
        sum.put("threads", threads);
        sum.put("jdk", Runtime.version().toString());
        run.writeJson(run.summary(), sum);
        log.printf("done: test accuracy %.4f (best %.4f at epoch %.2f), %.1f s%n", last.accuracy(), best, bestEpoch, (System.nanoTime() - t0) / 1e9);
        return sum;
    }

    private Map<String, Object> configJson(ClassifierConfig cfg, WordVocab vocab, int threads, long params) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("settings", s.asMap());
        c.put("model", cfg);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", data.name());
        d.put("train", data.trainFile().toAbsolutePath().toString());
        d.put("train_sha256", Catalog.sha256(data.trainFile()));
        d.put("test", data.testFile().toAbsolutePath().toString());
        d.put("test_sha256", Catalog.sha256(data.testFile()));
        d.put("train_rows", data.train().size());
        d.put("test_rows", data.test().size());
        d.put("vocab_size", vocab.size());
        c.put("data", d);
        RunDir.putEnvironment(c, params, threads);
        return c;
    }

}
