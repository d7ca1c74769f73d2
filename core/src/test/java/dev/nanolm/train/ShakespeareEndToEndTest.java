// End to end on Tiny Shakespeare through the CLI with a tiny GPT: the loss falls well below ln(65), eval and
// sample work, and a stopped-and-resumed run (with dropout, so the RNG state matters) matches an uninterrupted one.
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class ShakespeareEndToEndTest {
    static final String[] TINY = {"--preset", "shakespeare-char-baby", "--n-layer", "2", "--n-head", "2", "--n-embd", "32",
            "--block-size", "32", "--batch-size", "8", "--warmup-iters", "10", "--lr-decay-iters", "300", "--eval-iters", "5",
            "--log-interval", "20", "--sample-tokens", "50"};

    static int cli(StringWriter out, String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args);
    }

    static String[] args(String... more) {
        String[] r = java.util.Arrays.copyOf(TINY, TINY.length + more.length + 2);
        System.arraycopy(more, 0, r, TINY.length, more.length);
        r[r.length - 2] = "--data";
        r[r.length - 1] = TestData.file("tinyshakespeare.txt").toString();
        return r;
    }

    static String[] train(String... more) {
        String[] a = args(more);
        String[] r = new String[a.length + 1];
        r[0] = "train";
        System.arraycopy(a, 0, r, 1, a.length);
        return r;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(Path run) throws Exception {
        return RunDir.JSON.readValue(run.resolve("summary.json").toFile(), Map.class);
    }

    @Test
    void tinyGptLearnsEvaluatesAndSamples(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("gpt");
        assertEquals(0, cli(new StringWriter(), train("--out", run.toString(), "--max-iters", "300", "--eval-interval", "150")));
        Map<String, Object> s = summary(run);
        double val = ((Number) s.get("final_val_loss")).doubleValue();
        assertTrue(val < Math.log(65) - 1.3, "val loss should fall well below ln(65)=4.17, got " + val);
        assertTrue(Files.exists(run.resolve("samples/step-000150.txt")));
        assertEquals(0, cli(new StringWriter(), "eval", "--run", run.toString()));
        Map<String, Object> e = summary(run);
        double full = ((Number) e.get("eval_val_loss")).doubleValue();
        assertTrue(Math.abs(full - val) < 0.25, "full-split val " + full + " vs estimate " + val);
        assertEquals(Math.exp(full), ((Number) e.get("val_perplexity")).doubleValue(), 1e-3 * Math.exp(full));
        assertEquals(full / Math.log(2), ((Number) e.get("val_bits_per_char")).doubleValue(), 1e-5);

        StringWriter out = new StringWriter();
        assertEquals(0, cli(out, "sample", "--run", run.toString(), "--prompt", "ROMEO:", "--tokens", "40", "--top-k", "10", "--top-p", "0.9"));
        assertTrue(out.toString().startsWith("ROMEO:"), out.toString());
        assertEquals(40, out.toString().strip().codePointCount(0, out.toString().strip().length()) - 6, out.toString());
    }

    @Test
    void replayedStepsLogWhatEagerStepsLog(@TempDir Path tmp) throws Exception {
        // dropout (fresh masks per replay), two micro-batches per step, evaluations that drop and re-record the step
        Path replayed = tmp.resolve("replayed"), eager = tmp.resolve("eager");
        String[] common = {"--dropout", "0.1", "--grad-accum", "2", "--eval-interval", "30", "--log-interval", "1", "--max-iters", "70"};
        assertEquals(0, cli(new StringWriter(), concat(train("--out", replayed.toString()), common)));
        assertEquals(0, cli(new StringWriter(), concat(train("--out", eager.toString(), "--replay", "false"), common)));
        List<String> a = NamesEndToEndTest.strip(Files.readAllLines(replayed.resolve("metrics.jsonl")));
        List<String> b = NamesEndToEndTest.strip(Files.readAllLines(eager.resolve("metrics.jsonl")));
        assertEquals(b, a);
        assertTrue(a.size() > 70, "a line per step and per evaluation: " + a.size());
        assertEquals(summary(eager).get("final_val_loss"), summary(replayed).get("final_val_loss"));
    }

    @Test
    void resumeWithDropoutContinuesExactly(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole"), part = tmp.resolve("part");
        String[] common = {"--dropout", "0.1", "--eval-interval", "40", "--threads", "2"};
        assertEquals(0, cli(new StringWriter(), concat(train("--out", whole.toString(), "--max-iters", "80"), common)));
        assertEquals(0, cli(new StringWriter(), concat(train("--out", part.toString(), "--max-iters", "40"), common)));
        assertEquals(0, cli(new StringWriter(), concat(train("--out", part.toString(), "--max-iters", "80", "--resume"), common)));
        List<String> la = Files.readAllLines(whole.resolve("metrics.jsonl")), lb = Files.readAllLines(part.resolve("metrics.jsonl"));
        assertEquals(NamesEndToEndTest.strip(la), NamesEndToEndTest.strip(lb));
        assertEquals(summary(whole).get("final_val_loss"), summary(part).get("final_val_loss"));
    }

    static String[] concat(String[] a, String[] b) { return NamesEndToEndTest.concat(a, b); }
}
