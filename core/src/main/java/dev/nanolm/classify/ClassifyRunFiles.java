// What a classifier run writes besides checkpoints: config.json, one metrics.jsonl row (and log line) per
// evaluation, summary.json. Kept apart from ClassifyTrainer so the training loop reads on its own.
package dev.nanolm.classify;

import dev.nanolm.tokenize.WordVocab;
import static dev.nanolm.train.Stats.round;

import dev.nanolm.config.Settings;
import dev.nanolm.data.Catalog;
import dev.nanolm.train.RunDir;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class ClassifyRunFiles {
    private ClassifyRunFiles() {}

    static Map<String, Object> configJson(Settings s, ClassifyData data, ClassifierConfig cfg, WordVocab vocab, int threads, long params) {
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

    /** Training figures since the last evaluation (they restart after each one). */
    static final class Running {
        double lossSum;
        long seen, correct;

        void add(TrainStep.Result r, int rows) {
            lossSum += r.loss() * rows;
            seen += rows;
            correct += r.correct();
        }

        double loss() { return lossSum / seen; }

        double accuracy() { return (double) correct / seen; }
    }

    /** Appends the metrics row of an evaluation at fractional epoch ep and logs it; returns the test accuracy. */
    static double evalRow(RunDir run, PrintStream log, long step, double ep, Running tr, Evaluator.Result r, int[] labels,
                          int[] allTest, int[] sample, double bestBefore) {
        double acc = r.accuracy(labels, allTest);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("epoch", round(ep));
        row.put("train_loss", round(tr.loss()));
        row.put("train_accuracy", round(tr.accuracy()));
        row.put("test_loss", round(r.meanLoss(allTest)));
        row.put("test_accuracy", round(acc));
        row.put("sample_loss", round(r.meanLoss(sample)));
        row.put("sample_accuracy", round(r.accuracy(labels, sample)));
        run.appendMetric(row);
        log.printf("epoch %.2f: train loss %.4f acc %.4f | test loss %.4f acc %.4f | 5k sample acc %.4f%s%n", ep,
                tr.loss(), tr.accuracy(), r.meanLoss(allTest), acc, r.accuracy(labels, sample), acc > bestBefore ? " (best so far)" : "");
        return acc;
    }

    static Map<String, Object> summary(ClassifyData data, TextClassifier model, WordVocab vocab, int epochs, ClassifyProgress p,
                                       Evaluator.Result last, int[] labels, int[] allTest, int[] sample, List<String> classes,
                                       double wallS, int threads) {
        Scores sc = new Scores(labels, last.predicted(), classes);
        Map<String, Object> sum = new LinkedHashMap<>();
        sum.put("model", "classifier-" + model.cfg.cell());
        sum.put("params", model.numParams());
        sum.put("dataset", data.name());
        sum.put("tokenizer", "words");
        sum.put("vocab_size", vocab.size());
        sum.put("epochs", epochs);
        sum.put("iters", p.step);
        sum.put("test_accuracy", round(sc.accuracy()));
        sum.put("best_test_accuracy", round(p.best));
        sum.put("best_epoch", round(p.bestEpoch));
        sum.put("sample_accuracy", round(last.accuracy(labels, sample)));
        sum.put("final_test_loss", round(last.meanLoss(allTest)));
        sum.put("classes", classes);
        sum.put("per_class", sc.perClass());
        sum.put("confusion_matrix", sc.confusionList());
        sum.put("train_s_per_epoch", p.epochSeconds);
        sum.put("wall_s", round(wallS));
        sum.put("threads", threads);
        sum.put("jdk", Runtime.version().toString());
        return sum;
    }
}
