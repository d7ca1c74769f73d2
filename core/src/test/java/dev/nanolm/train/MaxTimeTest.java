// --max-time: a run with a tiny training-time budget stops long before max-iters with a complete run directory,
// and --resume continues the same budget (the checkpoint carries the seconds already spent).
package dev.nanolm.train;

import static dev.nanolm.train.NamesEndToEndTest.names;
import static dev.nanolm.train.NamesEndToEndTest.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nanolm.checkpoint.Checkpoint;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaxTimeTest {
    static final int MAX_ITERS = 1_000_000; // minutes of steps: only the budget can end these runs in a test's time

    static void train(Path run, String budget, boolean resume, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--preset", "names-mlp", "--data", names(), "--out", run.toString(),
                "--n-hidden", "32", "--max-iters", Integer.toString(MAX_ITERS), "--eval-interval", "100000", "--log-interval", "100000",
                "--eval-samples", "2", "--max-time", budget, "--threads", "1"));
        if (resume) args.add("--resume");
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        assertEquals(0, NamesEndToEndTest.cli(out, args.toArray(String[]::new)), out.toString());
    }

    static long iters(Path run) throws Exception { return ((Number) summary(run).get("iters")).longValue(); }

    static double trainS(Path run) throws Exception { return ((Number) summary(run).get("train_s")).doubleValue(); }

    /** elapsed_s of every evaluation row (step 0's included) in metrics.jsonl. */
    static List<Double> elapsed(Path run) throws Exception {
        List<Double> e = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode row = json.readTree(line);
            if (row.has("val_loss")) {
                assertTrue(row.has("elapsed_s"), "an evaluation row without elapsed_s: " + line);
                e.add(row.get("elapsed_s").asDouble());
            }
        }
        return e;
    }

    @Test
    void aTinyBudgetStopsEarlyWithACompleteRunAndResumeContinuesIt(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("r");
        train(run, "0.3", false);
        Map<String, Object> s = summary(run);
        long steps = iters(run);
        assertEquals("max_time", s.get("stopped_by"), s.toString());
        assertTrue(steps >= 1 && steps < MAX_ITERS, "steps " + steps);
        assertTrue(trainS(run) >= 0.3, s.toString());
        // as at max-iters: a final evaluation, checkpoints and a sample at the last step
        for (String k : List.of("final_train_loss", "final_val_loss", "best_val_loss", "test_loss")) assertTrue(s.containsKey(k), k + " in " + s);
        for (String f : List.of("config.json", "checkpoints/best.safetensors", "plots/loss.png", String.format("samples/step-%06d.txt", steps)))
            assertTrue(Files.exists(run.resolve(f)), f);
        Checkpoint ck = Checkpoint.load(run.resolve("checkpoints/last.safetensors"));
        assertEquals(Long.toString(steps), ck.requireMeta("step"));
        double spent = Double.parseDouble(ck.requireMeta("train_s"));
        assertTrue(spent >= 0.3, "checkpoint train_s " + spent);
        List<Double> first = elapsed(run);
        assertEquals(List.of(0.0), first.subList(0, 1));
        assertTrue(first.get(first.size() - 1) >= 0.3, first.toString());

        // the same budget again: already spent, so nothing more is trained
        train(run, "0.3", true);
        assertEquals(steps, iters(run));
        assertEquals("max_time", summary(run).get("stopped_by"));

        // a larger budget: training goes on from the time already spent, not from zero
        double budget = spent + 0.3;
        train(run, Double.toString(budget), true);
        long more = iters(run);
        assertTrue(more > steps && more < MAX_ITERS, steps + " then " + more);
        assertTrue(trainS(run) >= budget, "train_s " + trainS(run) + " < budget " + budget);
        assertEquals("max_time", summary(run).get("stopped_by"));
        List<Double> all = elapsed(run);
        assertEquals(first, all.subList(0, first.size()), "the first session's rows are kept");
        for (int i = 1; i < all.size(); i++) assertTrue(all.get(i) >= all.get(i - 1), "elapsed_s goes on across the resume: " + all);
        assertTrue(all.get(all.size() - 1) >= budget, all.toString());
    }

    @Test
    void aBudgetSpentDuringAnEvaluationStopsAtThatStep(@TempDir Path tmp) throws Exception {
        // whole-split evaluations (names: 180k training windows) take most of the time: the budget is likely spent in one
        Path run = tmp.resolve("r");
        train(run, "0.5", false, "--eval-interval", "20", "--eval-iters", "0");
        List<Long> steps = new ArrayList<>();
        List<Double> elapsed = elapsed(run);
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl")))
            if (json.readTree(line).has("val_loss")) steps.add(json.readTree(line).get("step").asLong());
        int n = steps.size();
        assertEquals(iters(run), steps.get(n - 1));
        // an evaluation whose losses were done past the budget must be the last: no step and evaluation after it
        if (n >= 2) assertTrue(elapsed.get(n - 2) < 0.5, "trained on after the budget was spent at evaluation " + steps.get(n - 2)
                + ": steps " + steps + ", elapsed_s " + elapsed);
    }

    @Test
    void withoutABudgetTheRunStopsAtMaxIters(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("r");
        StringWriter out = new StringWriter();
        assertEquals(0, NamesEndToEndTest.cli(out, "train", "--preset", "names-mlp", "--data", names(), "--out", run.toString(),
                "--n-hidden", "32", "--max-iters", "30", "--eval-interval", "10", "--eval-samples", "1"));
        assertEquals("max_iters", summary(run).get("stopped_by"));
        assertEquals(30L, iters(run));
        assertEquals(4, elapsed(run).size()); // step 0, 10, 20, 30
    }
}
