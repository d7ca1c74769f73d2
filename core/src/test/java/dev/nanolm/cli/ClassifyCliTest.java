// `nanolm classify` end to end on a few hundred AG News rows: training lifts test accuracy well above chance and
// writes the run files; eval and predict read the run back; bad inputs end in one `error:` line with the right code.
package dev.nanolm.cli;

import static dev.nanolm.cli.CliTest.assertCleanError;
import static dev.nanolm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyCliTest {
    @TempDir static Path tmp;
    static Path train, test, classes, runDir;
    static CliTest.Result trained;

    /** Every 12th row of the class-grouped train file (1,667 rows, all classes) and every 8th test row (950). */
    @BeforeAll
    static void trainOnce() throws Exception {
        List<String> tr = Files.readAllLines(TestData.file("ag_news/train.csv")), te = Files.readAllLines(TestData.file("ag_news/test.csv"));
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < tr.size(); i += 12) a.add(tr.get(i));
        for (int i = 0; i < te.size(); i += 8) b.add(te.get(i));
        train = Files.write(tmp.resolve("train.csv"), a);
        test = Files.write(tmp.resolve("test.csv"), b);
        classes = TestData.file("ag_news/classes.txt");
        runDir = tmp.resolve("run");
        trained = run("classify", "train", "--preset", "agnews-gru", "--data", train.toString(), "--test-data", test.toString(),
                "--class-names", classes.toString(), "--min-count", "2", "--n-embd", "48", "--hidden-size", "48", "--num-layers", "1",
                "--epochs", "3", "--bucket", "true", "--out", runDir.toString());
    }

    @Test
    void trainingLearnsAndWritesTheRun() throws Exception {
        assertEquals(0, trained.code(), trained.err());
        JsonNode s = new ObjectMapper().readTree(runDir.resolve("summary.json").toFile());
        assertTrue(s.get("best_test_accuracy").asDouble() > 0.45, s.toString()); // chance is 0.25
        assertTrue(s.get("test_accuracy").asDouble() > 0.40, s.toString());
        assertEquals(4, s.get("confusion_matrix").size());
        assertTrue(s.get("per_class").has("Sci/Tech"));
        for (String f : new String[] {"config.json", "metrics.jsonl", "checkpoints/best.safetensors", "checkpoints/last.safetensors",
                "plots/accuracy.png", "plots/loss.png"}) assertTrue(Files.exists(runDir.resolve(f)), f);
        assertEquals(6, Files.readAllLines(runDir.resolve("metrics.jsonl")).size()); // two evaluations per epoch
    }

    @Test
    void evalAndPredictReadTheRun() throws Exception {
        CliTest.Result e = run("classify", "eval", "--run", runDir.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("confusion matrix") && e.out().contains("Business"), e.out() + e.err());
        Path texts = Files.writeString(tmp.resolve("texts.txt"), "The striker scored twice as the team won the cup final\n\nOil prices rise\n");
        CliTest.Result p = run("classify", "predict", "--run", runDir.toString(), "--file", texts.toString(), "stocks fell on wall street");
        assertEquals(0, p.code(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals(3, lines.size(), p.out());
        for (String l : lines) {
            String[] f = l.split("\t");
            assertEquals(6, f.length, l);
            double sum = 0;
            for (int c = 1; c <= 4; c++) sum += Double.parseDouble(f[c].substring(f[c].indexOf('=') + 1));
            assertEquals(1.0, sum, 0.01, l);
        }
        assertTrue(lines.get(0).endsWith("stocks fell on wall street") && lines.get(2).endsWith("Oil prices rise"), p.out()); // texts, then --file lines
    }

    @Test
    void sweepRunsClassifierPresets() throws Exception {
        Path out = tmp.resolve("sweep");
        CliTest.Result r = run("sweep", "--preset", "agnews-rnn", "--grid", "aggregation=mean,max", "--data", train.toString(),
                "--test-data", test.toString(), "--class-names", classes.toString(), "--min-count", "3", "--n-embd", "16",
                "--hidden-size", "16", "--epochs", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String md = Files.readString(out.resolve("sweep.md"));
        assertTrue(md.contains("aggregation=max") && md.contains("Best run: **") && md.contains("test accuracy"), md);
        assertTrue(Files.exists(out.resolve("aggregation=mean").resolve("summary.json")) && Files.exists(out.resolve("sweep.png")));
    }

    @Test
    void resumeContinuesACopyOfTheRun() throws Exception {
        Path copy = tmp.resolve("resumed");
        Files.createDirectories(copy.resolve("checkpoints"));
        for (String f : new String[] {"config.json", "metrics.jsonl", "checkpoints/last.safetensors", "checkpoints/best.safetensors"})
            Files.copy(runDir.resolve(f), copy.resolve(f));
        CliTest.Result done = run("classify", "train", "--resume", "--out", copy.toString()); // the run's own settings
        assertEquals(0, done.code(), done.err());
        assertEquals(Files.readAllLines(runDir.resolve("metrics.jsonl")), Files.readAllLines(copy.resolve("metrics.jsonl"))); // nothing to train
        assertTrue(Files.exists(copy.resolve("summary.json")));
        CliTest.Result more = run("classify", "train", "--resume", "--epochs", "4", "--out", copy.toString());
        assertEquals(0, more.code(), more.err());
        assertEquals(4, new ObjectMapper().readTree(copy.resolve("summary.json").toFile()).get("epochs").asInt());
        assertEquals(8, Files.readAllLines(copy.resolve("metrics.jsonl")).size());
        assertEquals(Files.readAllLines(runDir.resolve("metrics.jsonl")), Files.readAllLines(copy.resolve("metrics.jsonl")).subList(0, 6));
        assertCleanError(run("classify", "train", "--resume", "--out", tmp.resolve("empty").toString()), 1, "nothing to resume");
    }

    @Test
    void badInputs() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.csv"), "\"1\",\"a\",\"b\"\n\"2\",\"c\"\n");
        assertCleanError(run("classify", "train", "--data", bad.toString(), "--out", tmp.resolve("r1").toString()), 1, "line 2");
        Path label = Files.writeString(tmp.resolve("label.csv"), "\"1\",\"a\",\"b\"\n\"7\",\"c\",\"d\"\n");
        assertCleanError(run("classify", "train", "--data", label.toString(), "--class-names", classes.toString(),
                "--out", tmp.resolve("r2").toString()), 1, "line 2");
        assertCleanError(run("classify", "train", "--preset", "agnews-gur", "--out", tmp.resolve("r3").toString()), 2, "agnews-gru");
        assertCleanError(run("classify", "train", "--preset", "agnews-rnn", "--aggregation", "median", "--out", tmp.resolve("r4").toString()), 2, "--aggregation");
        assertCleanError(run("classify", "train", "--preset", "agnews-rnn", "--model", "gpt", "--out", tmp.resolve("r5").toString()), 2, "--model");
        assertCleanError(run("classify", "train", "--preset", "agnews-rnn", "--epochs", "0", "--out", tmp.resolve("r6").toString()), 2, "--epochs");
        assertCleanError(run("classify", "train", "--data", train.toString(), "--class-names", classes.toString(), "--tokenizer", "byte",
                "--out", tmp.resolve("r7").toString()), 2, "a classifier's vocabulary is words");
        assertCleanError(run("classify", "predict", "--run", tmp.resolve("nothing").toString(), "hello"), 1, "no checkpoint");
        assertCleanError(run("classify", "predict", "--run", runDir.toString()), 2, "nothing to label");
    }
}
