// End to end on names.txt through the CLI: a short MLP run must bring the loss well below ln(27),
// write the run directory, sample names, and resume to exactly the same losses as an uninterrupted run.
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.cli.Main;
import dev.nanolm.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class NamesEndToEndTest {
    public static String names() { return TestData.file("names.txt").toString(); }

    static int cli(StringWriter out, String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args);
    }

    public static Map<String, Object> summary(Path run) throws Exception { return summaryOf(run.resolve("summary.json")); }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> summaryOf(Path json) throws Exception {
        return RunDir.JSON.readValue(json.toFile(), Map.class);
    }

    @Test
    void mlpLossFallsAndSamples(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("mlp");
        int code = cli(new StringWriter(), "train", "--preset", "names-mlp", "--data", names(), "--out", run.toString(),
                "--max-iters", "3000", "--eval-interval", "1500", "--log-interval", "500", "--lr-step-at", "2000");
        assertEquals(0, code);
        Map<String, Object> s = summary(run);
        double val = ((Number) s.get("final_val_loss")).doubleValue();
        double train = ((Number) s.get("final_train_loss")).doubleValue();
        assertTrue(val < Math.log(27) - 0.6, "dev loss should fall well below ln(27)=3.296, got " + val);
        assertTrue(train < Math.log(27) - 0.6, "train loss " + train);
        assertTrue(s.containsKey("test_loss") && s.containsKey("wall_s") && s.containsKey("params"), s.toString());
        assertEquals(11897L, ((Number) s.get("params")).longValue()); // 27*10 + 30*200+200 + 200*27+27
        for (String f : List.of("config.json", "metrics.jsonl", "summary.json", "checkpoints/last.safetensors",
                "checkpoints/best.safetensors", "samples/step-001500.txt", "samples/step-003000.txt"))
            assertTrue(Files.exists(run.resolve(f)), f);
        // the checkpoint verifies and carries the model config and vocabulary
        Checkpoint ck = Checkpoint.load(run.resolve("checkpoints/last.safetensors"));
        assertEquals("mlp", ck.requireMeta("model_type"));
        assertEquals("3000", ck.requireMeta("step"));

        StringWriter out = new StringWriter();
        assertEquals(0, cli(out, "sample", "--run", run.toString(), "--num-samples", "20", "--seed", "7"));
        List<String> lines = out.toString().lines().toList();
        long marked = lines.stream().filter(l -> l.endsWith("(new)") || l.endsWith("(in train)") || l.endsWith("(in dev)") || l.endsWith("(in test)")).count();
        assertEquals(20, marked, out.toString());
        long nameLike = lines.stream().limit(20).filter(l -> l.split(" ")[0].matches("[a-z]{2,15}")).count();
        assertTrue(nameLike >= 15, "most samples should look like names:\n" + out);
    }

    @Test
    void resumeContinuesExactly(@TempDir Path tmp) throws Exception {
        String[] common = {"--preset", "names-mlp", "--data", names(), "--eval-interval", "400", "--log-interval", "100",
                "--lr-step-at", "500", "--eval-samples", "0", "--threads", "1"};
        Path whole = tmp.resolve("whole"), part = tmp.resolve("part");
        assertEquals(0, cli(new StringWriter(), concat(new String[] {"train", "--out", whole.toString(), "--max-iters", "800"}, common)));
        assertEquals(0, cli(new StringWriter(), concat(new String[] {"train", "--out", part.toString(), "--max-iters", "400"}, common)));
        // resume with only --out: the run's config.json gives the settings, --max-iters extends it
        assertEquals(0, cli(new StringWriter(), "train", "--out", part.toString(), "--resume", "--max-iters", "800"));
        Map<String, Object> a = summary(whole), b = summary(part);
        for (String k : List.of("final_train_loss", "final_val_loss", "test_loss", "best_val_loss"))
            assertEquals(a.get(k), b.get(k), k);
        // and the training-step losses logged after the resume point are identical too
        List<String> la = Files.readAllLines(whole.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"loss\"")).toList();
        List<String> lb = Files.readAllLines(part.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"loss\"")).toList();
        assertEquals(strip(la), strip(lb));
    }

    @Test
    void bestOnlyCheckpointsAndEvalOnly(@TempDir Path tmp) throws Exception {
        // lr 0.1 for 300 steps, then 10: the evaluation at 600 is worse than the one at 300
        Path run = tmp.resolve("r");
        assertEquals(0, cli(new StringWriter(), "train", "--preset", "names-mlp", "--data", names(), "--out", run.toString(),
                "--max-iters", "600", "--eval-interval", "300", "--lr-step-at", "300", "--lr-step-to", "10",
                "--always-save-checkpoint", "false", "--eval-samples", "0", "--threads", "1"));
        Map<String, Object> s = summary(run);
        assertEquals(300L, ((Number) s.get("best_step")).longValue(), s.toString());
        // the test loss of the best checkpoint is reported beside the final model's, and differs from it
        double testAtBest = ((Number) s.get("test_loss_at_best")).doubleValue(), test = ((Number) s.get("test_loss")).doubleValue();
        assertTrue(testAtBest < test, "best checkpoint's test loss " + testAtBest + " vs final " + test);
        assertTrue(((Number) s.get("final_val_loss")).doubleValue() > ((Number) s.get("best_val_loss")).doubleValue(), s.toString());
        // the last checkpoint stayed at the best evaluation
        assertEquals("300", Checkpoint.load(run.resolve("checkpoints/last.safetensors")).requireMeta("step"));

        // --eval-only on the resumed run: one estimate at its step, nothing trained, the checkpoint untouched
        byte[] before = Files.readAllBytes(run.resolve("checkpoints/last.safetensors"));
        StringWriter out = new StringWriter();
        assertEquals(0, cli(out, "train", "--out", run.toString(), "--resume", "--eval-only", "true"));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(run.resolve("checkpoints/last.safetensors"))));
        String lastMetric = Files.readAllLines(run.resolve("metrics.jsonl")).stream().reduce((a, b) -> b).orElseThrow();
        assertTrue(lastMetric.startsWith("{\"step\":300,\"train_loss\""), lastMetric);
    }

    @Test
    void aNonFiniteLossStopsWithTheStepOrIsSkipped(@TempDir Path tmp) throws Exception {
        String[] args = {"train", "--preset", "names-mlp", "--data", names(), "--learning-rate", "1e37", "--max-iters", "200",
                "--eval-interval", "100", "--log-interval", "1", "--eval-samples", "0", "--threads", "1"};
        StringWriter err = new StringWriter();
        Path a = tmp.resolve("a");
        int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                concat(args, new String[] {"--out", a.toString()}));
        assertEquals(1, code, err.toString());
        var m = java.util.regex.Pattern.compile("became NaN or infinite at step (\\d+)").matcher(err.toString());
        assertTrue(m.find(), err.toString());
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("(hint: lower --learning-rate"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
        int firstBad = Integer.parseInt(m.group(1));
        assertTrue(firstBad < 100, "1e37 should break the run quickly, got step " + firstBad);
        // no checkpoint holds a broken model: the run stopped before its first evaluation
        assertFalse(Files.exists(a.resolve("checkpoints/last.safetensors")));

        // --skip-nonfinite: bad steps are stepped over (no update), so the run reaches its end
        Path b = tmp.resolve("b");
        assertEquals(0, cli(new StringWriter(), concat(args, new String[] {"--out", b.toString(), "--skip-nonfinite", "200"})));
        assertEquals(200L, ((Number) summary(b).get("iters")).longValue());
        // (skipping keeps NaN out of the update, but weights that lr 1e37 made huge stay huge: no finite loss here)
    }

    @Test
    void resumeOfAMissingRunIsADataError(@TempDir Path tmp) {
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "train", "--out", tmp.resolve("nothing").toString(), "--resume");
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().startsWith("error: nothing to resume"), err.toString());
    }

    @Test
    void refusesToOverwriteAFinishedRun(@TempDir Path tmp) {
        Path run = tmp.resolve("r");
        String[] args = {"train", "--preset", "names-bigram", "--data", names(), "--out", run.toString()};
        assertEquals(0, cli(new StringWriter(), args));
        assertEquals(2, cli(new StringWriter(), args));
        assertEquals(0, cli(new StringWriter(), concat(args, new String[] {"--overwrite"})));
    }

    /** Drops the wall-clock fields (ms, elapsed_s) from metric lines. */
    static List<String> strip(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll(",\"(ms|elapsed_s)\":[0-9.Ee-]+", "")).toList();
    }

    public static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
