// Trains a text classifier by epochs (shuffled with the seed, Adam, cross-entropy) into a run directory:
// config.json, metrics.jsonl (evaluations twice per epoch), summary.json, checkpoints/{last,best}, plots/; --resume.
package dev.nanolm.classify;

import static dev.nanolm.train.Stats.round;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.kernels.Parallel;
import dev.nanolm.optim.AdamW;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.tokenize.WordVocab;
import dev.nanolm.train.NonFiniteLossException;
import dev.nanolm.train.Json;
import dev.nanolm.train.RunDir;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class ClassifyTrainer {
    /** The well-known homework's fixed evaluation sample: 5,000 test rows drawn with replacement, seed 42. */
    public static final int SAMPLE_SIZE = 5000, SAMPLE_SEED = 42;
    /** The time estimate times batches 20..60 of the session: the first ones run while the JIT compiles. */
    static final int ESTIMATE_FROM = 20, ESTIMATE_TO = 60;

    private final Settings s;
    private final ClassifyData data;
    private final RunDir run;
    private final PrintStream log;
    /** Tests only: return after this many evaluations, as if killed right after that checkpoint (< 0: never). */
    int stopAfterEvals = -1;

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
                s.number("dropout"), s.str("aggregation"), s.bool("concat-last"), s.bool("mean-includes-padding"), 2, s.integer("ngram-buckets"));
        s.bool("bucket");
        if (s.str("model").equals("bow")) checkBucketTable(s.integer("ngram-buckets"), s.integer("n-embd"), Runtime.getRuntime().maxMemory());
    }

    /**
     * The bigram table (buckets x n-embd, with its gradient and two AdamW moments: 16 bytes a number) must be one Java
     * array and fit the heap; refused here, before the run directory and the vocabulary are made.
     */
    static void checkBucketTable(int buckets, int nEmbd, long maxHeap) {
        double numbers = (double) buckets * nEmbd, bytes = 16 * numbers;
        if (numbers > Integer.MAX_VALUE - 16 || bytes > maxHeap)
            throw new ConfigException(String.format("--ngram-buckets %d x --n-embd %d is a table of %.3g numbers (%.1f GiB with its gradient and "
                    + "optimizer state) but Java may use %.1f GiB and one array holds at most 2^31", buckets, nEmbd, numbers, bytes / (1L << 30),
                    maxHeap / (double) (1L << 30)), "use --ngram-buckets 100000 (the agnews-bow preset's)");
    }

    /** Trains the run; resume continues from checkpoints/last.safetensors as if the run had never stopped. */
    public Map<String, Object> train(boolean resume) {
        int threads = s.integer("threads") > 0 ? s.integer("threads") : Runtime.getRuntime().availableProcessors();
        Parallel.setThreads(threads);
        int B = s.integer("batch-size"), epochs = s.integer("epochs"), maxLen = s.integer("max-len");
        long t0 = System.nanoTime();
        WordVocab vocab = WordVocab.build(data.train().texts(), s.integer("min-count"));
        Batches.Encoded tr = Batches.Encoded.of(data.train(), vocab, maxLen), te = Batches.Encoded.of(data.test(), vocab, maxLen);
        List<String> classes = data.train().classes();
        ClassifierConfig cfg = ClassifierConfig.from(s, vocab.size(), classes.size());
        Rng rng = new Rng(s.longValue("seed")); // one RNG: initial weights, then each epoch's shuffle and the dropout masks
        TextClassifier model = TextClassifier.create(cfg, rng);
        model.train(true);
        AdamW opt = new AdamW(model.parameters(), s.number("learning-rate"), s.number("beta1"), s.number("beta2"), 1e-8f, s.number("weight-decay"));
        TrainStep stepper = new TrainStep(model, opt, s.number("grad-clip"));
        int[] sample = new int[SAMPLE_SIZE];
        Rng sr = new Rng(SAMPLE_SEED);
        for (int i = 0; i < SAMPLE_SIZE; i++) sample[i] = sr.nextInt(te.size());
        int[] allTest = new int[te.size()];
        for (int i = 0; i < allTest.length; i++) allTest[i] = i;
        int N = tr.size(), nb = (N + B - 1) / B;
        int evalsPerEpoch = Math.max(1, Math.min(nb, s.integer("evals-per-epoch")));

        long[][] rngAtCheckpoint = new long[1][];
        ClassifyProgress p = resume ? resumeFrom(model, opt, vocab, classes, rng, nb, rngAtCheckpoint) : new ClassifyProgress();
        stepper.setSteps(p.step);
        run.writeJson(run.config(), ClassifyRunFiles.configJson(s, data, cfg, vocab, threads, model.numParams()));
        log.printf("classifier %s: %,d parameters | vocabulary %d words (min-count %d; %.1f%% of train tokens unknown) | "
                        + "train %d rows, test %d rows, %d classes %s | mean length %.1f tokens | %d batches of %d per epoch | kernels %s, %d threads%n",
                cfg.cell(), model.numParams(), vocab.size(), s.integer("min-count"), 100 * vocab.unknownShare(data.train().texts()),
                tr.size(), te.size(), classes.size(), classes, tr.meanLength(), nb, B, Kernels.get().name(), threads);
        log.printf("vocabulary, encoding and set-up took %.1f s; heap in use %d MB of %d MB%n", (System.nanoTime() - t0) / 1e9,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, Runtime.getRuntime().maxMemory() >> 20);

        Evaluator.Result lastEval = null;
        ClassifyRunFiles.Running running = new ClassifyRunFiles.Running();
        long sessionBatches = 0, estimateFrom = 0, session0 = System.nanoTime();
        int evals = 0;
        for (; p.epoch <= epochs; p.epoch++, p.batch = 0) {
            long e0 = System.nanoTime();
            double evalNs = 0;
            boolean midEpoch = p.batch > 0; // resumed inside this epoch: redraw its order from the RNG state it started with
            if (midEpoch) rng.setState(p.rngAtEpochStart);
            else p.rngAtEpochStart = rng.state();
            int[] order = EpochOrder.of(tr, rng, B, s.bool("bucket"));
            if (midEpoch) rng.setState(rngAtCheckpoint[0]);
            for (int bi = p.batch; bi < nb; bi++) {
                Batches.Batch b = tr.batch(order, bi * B, Math.min(N, (bi + 1) * B));
                running.add(stepper.run(b, rng), b.B());
                p.step++;
                p.batch = bi + 1;
                sessionBatches++;
                if (sessionBatches == ESTIMATE_FROM) estimateFrom = System.nanoTime();
                if (sessionBatches == Math.min(ESTIMATE_TO, (long) nb * epochs)) estimate(sessionBatches >= ESTIMATE_TO
                        ? (System.nanoTime() - estimateFrom) / 1e9 / (ESTIMATE_TO - ESTIMATE_FROM)
                        : (System.nanoTime() - session0) / 1e9 / sessionBatches, nb, B, epochs - p.epoch + 1);
                if (!isEvalPoint(bi + 1, nb, evalsPerEpoch)) continue;
                long v0 = System.nanoTime();
                double ep = p.epoch - 1 + (double) (bi + 1) / nb;
                lastEval = Evaluator.run(model, te, 256, false);
                double acc = ClassifyRunFiles.evalRow(run, log, p.step, ep, running, lastEval, te.labels(), allTest, sample, p.best);
                boolean better = acc > p.best;
                if (better) { p.best = acc; p.bestEpoch = ep; }
                if (bi + 1 == nb) p.epochSeconds.add(round((v0 - e0 - evalNs) / 1e9));
                LinkedHashMap<String, String> meta = new LinkedHashMap<>();
                meta.put("epoch", Double.toString(round(ep)));
                meta.put("test_accuracy", Double.toString(acc));
                meta.put("settings", Json.compact(s.asMap()));
                meta.putAll(p.toMeta(rng.state()));
                if (better) ClassifierCheckpoint.save(run.bestCheckpoint(), model, opt, vocab, classes, meta);
                ClassifierCheckpoint.save(run.lastCheckpoint(), model, opt, vocab, classes, meta);
                ClassifyPlots.update(run.dir, log);
                evalNs += System.nanoTime() - v0;
                running = new ClassifyRunFiles.Running(); // each row's train figures cover the batches since the last row
                if (++evals == stopAfterEvals) return Map.of();
            }
            double secs = (System.nanoTime() - e0) / 1e9;
            log.printf("epoch %d/%d: %.1f s (training %.1f s, evaluation %.1f s)%n", p.epoch, epochs, secs, secs - evalNs / 1e9, evalNs / 1e9);
        }
        if (lastEval == null) { // a resumed run that was already complete: evaluate once for the summary
            log.printf("the run already has %d epochs (--epochs %d): nothing to train%n", p.epoch - 1, epochs);
            lastEval = Evaluator.run(model, te, 256, false);
        }
        Scores last = new Scores(te.labels(), lastEval.predicted(), classes);
        log.print(last.table());
        Map<String, Object> sum = ClassifyRunFiles.summary(data, model, vocab, epochs, p, lastEval, te.labels(), allTest, sample, classes,
                (System.nanoTime() - t0) / 1e9, threads);
        run.writeJson(run.summary(), sum);
        log.printf("done: test accuracy %.4f (best %.4f at epoch %.2f), %.1f s%n", last.accuracy(), p.best, p.bestEpoch, (System.nanoTime() - t0) / 1e9);
        return sum;
    }

    /**
     * Loads checkpoints/last into model and opt and returns the run's progress; rngNow[0] gets the RNG state at the
     * checkpoint. A checkpoint that ended an epoch moves on to the next one (a fresh shuffle from that state).
     */
    private ClassifyProgress resumeFrom(TextClassifier model, AdamW opt, WordVocab vocab, List<String> classes, Rng rng, int nb, long[][] rngNow) {
        if (!Files.exists(run.lastCheckpoint()))
            throw new DataException("nothing to resume: " + run.lastCheckpoint() + " does not exist (the run stopped before its first evaluation)",
                    "start it again with --overwrite instead of --resume");
        ClassifyProgress p = ClassifyProgress.fromMeta(ClassifierCheckpoint.restore(run.lastCheckpoint(), model, opt, vocab, classes), rngNow);
        // a kill after this checkpoint left metrics rows (maybe half a line) that the resumed run redoes: drop them
        run.truncateJsonl(run.metrics(), p.step);
        if (p.batch >= nb) {
            p.epoch++;
            p.batch = 0;
            rng.setState(rngNow[0]);
        }
        log.printf("resuming %s at epoch %d, batch %d of %d (step %d; best test accuracy %.4f at epoch %.2f)%n",
                run.dir, p.epoch, p.batch, nb, p.step, p.best, p.bestEpoch);
        return p;
    }

    /** Evaluations fall on batches nb*k/evalsPerEpoch (k = 1..evalsPerEpoch): the last one ends the epoch. */
    static boolean isEvalPoint(int batchesDone, int nb, int evalsPerEpoch) {
        for (int k = 1; k <= evalsPerEpoch; k++) if ((long) nb * k / evalsPerEpoch == batchesDone) return true;
        return false;
    }

    private void estimate(double perBatch, int nb, int B, int epochsLeft) {
        log.printf("estimate: %.0f s per epoch of training (%d batches of %d, %.0f ms each), %.0f s for the %d epoch(s) to go, plus evaluations%n",
                perBatch * nb, nb, B, perBatch * 1e3, perBatch * nb * epochsLeft, epochsLeft);
    }
}
