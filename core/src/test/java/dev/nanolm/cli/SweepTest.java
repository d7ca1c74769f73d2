// `nanolm sweep` end to end on names.txt with short runs: the run directories, sweep.csv/md/png, skipping finished
// runs, resuming an interrupted one to the same result, one-at-a-time grids, parallel runs, and bad grids.
package dev.nanolm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.config.Settings;
import dev.nanolm.report.PngCheck;
import dev.nanolm.train.NamesEndToEndTest;
import dev.nanolm.train.SweepPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
    static final String[] COMMON = {"--preset", "names-mlp", "--max-iters", "300", "--eval-interval", "100", "--log-interval", "50", "--eval-samples", "0"};

    static CliTest.Result sweep(Path out, String... args) {
        List<String> a = new ArrayList<>(List.of("sweep", "--data", NamesEndToEndTest.names(), "--out", out.toString()));
        a.addAll(List.of(COMMON));
        a.addAll(List.of(args));
        return CliTest.run(a.toArray(String[]::new));
    }

    static long count(String text, String s) { return text.lines().filter(l -> l.contains(s)).count(); }

    static List<String> withoutTimes(Path metrics) throws Exception {
        return Files.readAllLines(metrics).stream().map(l -> l.replaceAll(",\"(ms|elapsed_s)\":[0-9.eE+-]+", "")).toList();
    }

    @Test
    void threeLearningRatesThenNothingThenOnlyTheInterruptedRun(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sw");
        CliTest.Result r = sweep(out, "--grid", "learning-rate=0.05,0.2,0.4");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, count(r.out(), ": started"), r.out());
        for (String lr : List.of("0.05", "0.2", "0.4")) {
            Path run = out.resolve("learning-rate=" + lr);
            for (String f : List.of("summary.json", "config.json", "train.log", "sweep-done.json", "checkpoints/last.safetensors"))
                assertTrue(Files.exists(run.resolve(f)), run + "/" + f);
            assertEquals(lr, ((Map<?, ?>) NamesEndToEndTest.summaryOf(run.resolve("config.json")).get("settings")).get("learning-rate"));
        }
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals(4, csv.size(), csv.toString());
        assertTrue(csv.get(0).startsWith("run,learning-rate,status,best_val_loss,best_step,final_train_loss,final_val_loss,test_loss,wall_s"), csv.get(0));
        for (int i = 1; i <= 3; i++) {
            String[] cells = csv.get(i).split(",");
            assertEquals("learning-rate=" + cells[1], cells[0]);
            assertEquals("ok", cells[2]);
            double best = Double.parseDouble(cells[3]);
            assertTrue(best > 1.5 && best < Math.log(27), csv.get(i));
            assertEquals("300", cells[4], "the best val loss of a falling curve is at the end: " + csv.get(i));
        }
        String md = Files.readString(out.resolve("sweep.md"));
        assertTrue(md.contains("| learning-rate |") && md.contains("Best run: **learning-rate=") && md.contains("](sweep.png)"), md);
        assertEquals(3, md.lines().filter(l -> l.startsWith("| learning-rate=") || l.startsWith("| **learning-rate=")).count(), md);
        PngCheck.assertDrawnPng(out.resolve("sweep.png"), 900, 560);
        assertTrue(Files.exists(out.resolve("sweep.svg")));

        // the same command again: every run is finished, nothing trains, no run file changes
        Path done = out.resolve("learning-rate=0.05/sweep-done.json"), metrics = out.resolve("learning-rate=0.05/metrics.jsonl");
        FileTime t1 = Files.getLastModifiedTime(done), t2 = Files.getLastModifiedTime(metrics);
        r = sweep(out, "--grid", "learning-rate=0.05,0.2,0.4");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, count(r.out(), "finished earlier, skipped"), r.out());
        assertEquals(0, count(r.out(), ": started") + count(r.out(), ": resuming"), r.out());
        assertEquals(t1, Files.getLastModifiedTime(done));
        assertEquals(t2, Files.getLastModifiedTime(metrics));

        // interrupt one run: replace it by the same run stopped at step 200 (checkpoint there, no summary of step 300)
        Path mid = out.resolve("learning-rate=0.2");
        Map<String, Object> whole = NamesEndToEndTest.summary(mid);
        List<String> wholeMetrics = withoutTimes(mid.resolve("metrics.jsonl"));
        deleteTree(mid);
        List<String> train = new ArrayList<>(List.of("train", "--data", NamesEndToEndTest.names(), "--out", mid.toString(), "--learning-rate", "0.2"));
        train.addAll(List.of(COMMON));
        train.addAll(List.of("--max-iters", "200"));
        assertEquals(0, CliTest.run(train.toArray(String[]::new)).code());
        r = sweep(out, "--grid", "learning-rate=0.05,0.2,0.4");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, count(r.out(), "finished earlier, skipped"), r.out());
        assertEquals(1, count(r.out(), "learning-rate=0.2: resuming"), r.out());
        Map<String, Object> resumed = NamesEndToEndTest.summary(mid);
        for (String k : List.of("iters", "final_train_loss", "final_val_loss", "best_val_loss", "best_step", "test_loss"))
            assertEquals(whole.get(k), resumed.get(k), k);
        assertEquals(wholeMetrics, withoutTimes(mid.resolve("metrics.jsonl")), "the resumed run logs what the uninterrupted one did, once");
    }

    @Test
    void oneAtATimeVariesEachKeyAlone(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sw");
        CliTest.Result r = sweep(out, "--grid", "learning-rate=0.05,0.2,0.4", "--grid", "n-hidden=20,40", "--one-at-a-time",
                "--max-iters", "60", "--eval-interval", "30");
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals(6, csv.size(), csv.toString()); // 3 + 2 runs, not 3 x 2
        assertTrue(csv.get(0).startsWith("run,learning-rate,n-hidden,"), csv.get(0));
        assertTrue(csv.contains(csv.stream().filter(l -> l.startsWith("n-hidden=20,,20,ok,")).findFirst().orElse("missing n-hidden=20 row")), csv.toString());
        try (var s = Files.list(out)) { assertEquals(5, s.filter(Files::isDirectory).count()); }
        // n-hidden=40 kept the preset's learning rate; learning-rate=0.4 the preset's n-hidden
        assertEquals("0.1", setting(out.resolve("n-hidden=40"), "learning-rate"));
        assertEquals("200", setting(out.resolve("learning-rate=0.4"), "n-hidden"));
    }

    @Test
    void planNamesCombinationsAndRepeats() {
        Settings base = Settings.defaults();
        var grids = List.of(SweepPlan.parseGrid("learning-rate=0.01,0.1,0.5"), SweepPlan.parseGrid("n-hidden=32,64"));
        List<SweepPlan.RunSpec> all = SweepPlan.plan(base, grids, false, 2);
        assertEquals(12, all.size());
        assertEquals("learning-rate=0.01,n-hidden=32", all.get(0).name());
        assertEquals("learning-rate=0.01,n-hidden=32-r2", all.get(1).name());
        assertEquals("1338", all.get(1).settings().str("seed"));
        assertEquals(5, SweepPlan.plan(base, grids, true, 1).size());
        assertEquals("data=names.txt", SweepPlan.plan(base, List.of(SweepPlan.parseGrid("data=/x/names.txt")), false, 1).get(0).name());
    }

    @Test
    void parallelRunsEqualSequentialOnes(@TempDir Path tmp) throws Exception {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        CliTest.Result p = sweep(tmp.resolve("p"), "--grid", "learning-rate=0.05,0.2", "--parallel", "2", "--max-iters", "200");
        assertEquals(0, p.code(), p.err());
        CliTest.Result s = sweep(tmp.resolve("s"), "--grid", "learning-rate=0.05,0.2", "--threads", Integer.toString(threads), "--max-iters", "200");
        assertEquals(0, s.code(), s.err());
        for (String run : List.of("learning-rate=0.05", "learning-rate=0.2")) {
            assertEquals(Integer.toString(threads), setting(tmp.resolve("p").resolve(run), "threads"));
            assertEquals(withoutTimes(tmp.resolve("s").resolve(run).resolve("metrics.jsonl")), withoutTimes(tmp.resolve("p").resolve(run).resolve("metrics.jsonl")), run);
        }
    }

    @Test
    void badGridsAreUsageErrors(@TempDir Path tmp) {
        Path out = tmp.resolve("sw");
        CliTest.assertCleanError(sweep(out, "--grid", "learning-rat=0.1,0.2"), 2, "learning-rate");
        CliTest.assertCleanError(sweep(out, "--grid", "learning-rate="), 2, "empty value");
        CliTest.assertCleanError(sweep(out, "--grid", "learning-rate=0.1,,0.2"), 2, "empty value");
        CliTest.assertCleanError(sweep(out, "--grid", "learning-rate"), 2, "no values");
        CliTest.assertCleanError(sweep(out, "--grid", "learning-rate=0.1,fast"), 2, "--learning-rate must be a number");
        CliTest.assertCleanError(sweep(out, "--grid", "max-iters=10,ten"), 2, "--max-iters must be an integer");
        CliTest.assertCleanError(sweep(out, "--grid", "n-hidden=20,-3"), 2, "n-hidden"); // caught by the model's check, before any run
        CliTest.assertCleanError(sweep(out, "--grid", "learning-rate=0.1,0.2", "--parallel", "2", "--threads", "1"), 2, "--parallel");
        CliTest.assertCleanError(sweep(out, "--grid", "learning-rate=0.1", "--grid", "learning-rate=0.2"), 2, "twice");
        assertFalse(Files.exists(out), "nothing is written before the grid is checked");
    }

    static String setting(Path run, String key) throws Exception {
        return (String) ((Map<?, ?>) NamesEndToEndTest.summaryOf(run.resolve("config.json")).get("settings")).get(key);
    }

    static void deleteTree(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }
}
