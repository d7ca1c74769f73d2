// kill -9 for real: a child JVM training names-mlp is SIGKILLed at a random moment after its first checkpoint; then
// `train --out DIR --resume` must finish with exactly the losses of an uninterrupted run (same seed, one thread).
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.testing.TestData;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI default (about 25 s): 3 repeats of 1000 steps, evaluations on 20 sampled batches. The acceptance run:
 * {@code -Dnanolm.killRepeats=20 -Dnanolm.killMaxIters=3000 -Dnanolm.killEvalIters=0} (whole-split evaluations, as
 * the preset; NANOLM_KILL_REPEATS works too). {@code -Dnanolm.killSeed=S} replays the kill times of an earlier run.
 */
class KillResumeTest {
    static int repeats() {
        String p = System.getProperty("nanolm.killRepeats", System.getenv().getOrDefault("NANOLM_KILL_REPEATS", "3"));
        return Integer.parseInt(p.trim());
    }

    static Process start(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-XX:-TieredCompilation", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), "dev.nanolm.cli.Main"));
        cmd.addAll(List.of(args));
        File f = log.toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(f).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    static int finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child did not finish; log: " + Files.readString(log));
        return p.exitValue();
    }

    @Test
    void killNineAtRandomMomentsThenResumeMatchesAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        int n = repeats();
        long seed = Long.getLong("nanolm.killSeed", System.nanoTime());
        Random rnd = new Random(seed);
        String[] common = {"--preset", "names-mlp", "--data", TestData.file("names.txt").toString(), "--max-iters", System.getProperty("nanolm.killMaxIters", "1000"),
                "--eval-interval", "100", "--log-interval", "100", "--eval-samples", "0", "--threads", "1",
                "--eval-iters", System.getProperty("nanolm.killEvalIters", "20")};

        // the uninterrupted reference, timed from its first checkpoint to its end (the window the kills fall in)
        Path ref = tmp.resolve("ref");
        Process p = start(tmp.resolve("ref.log"), concat(new String[] {"train", "--out", ref.toString()}, common));
        long firstCk = waitForCheckpoint(p, ref);
        assertEquals(0, finish(p, tmp.resolve("ref.log")), () -> read(tmp.resolve("ref.log")));
        long window = Math.max(1, (System.nanoTime() - firstCk) / 1_000_000);

        int killed = 0, finishedFirst = 0;
        List<String> report = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path run = tmp.resolve("k" + i), log = tmp.resolve("k" + i + ".log");
            p = start(log, concat(new String[] {"train", "--out", run.toString()}, common));
            waitForCheckpoint(p, run);
            long delay = (long) (rnd.nextDouble() * window);
            Thread.sleep(delay);
            boolean alive = p.isAlive();
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            p.waitFor(60, TimeUnit.SECONDS);
            if (alive) killed++; else finishedFirst++;
            // whatever the moment, the last checkpoint verifies
            long at = Long.parseLong(Checkpoint.load(run.resolve("checkpoints/last.safetensors")).requireMeta("step"));
            report.add("repeat " + i + ": killed " + delay + " ms after the first checkpoint" + (alive ? "" : " (had finished)")
                    + ", last checkpoint at step " + at);

            Path rlog = tmp.resolve("k" + i + "-resume.log");
            assertEquals(0, finish(start(rlog, "train", "--out", run.toString(), "--resume"), rlog), () -> read(rlog));
            assertSameRun(ref, run, "repeat " + i + " (seed " + seed + ", kill after " + delay + " ms, resumed from step " + at + ")");
            assertTrue(Files.list(run.resolve("checkpoints")).allMatch(f -> f.getFileName().toString().endsWith(".safetensors")),
                    "no temp files left in checkpoints/");
        }
        System.out.println("KillResumeTest: " + n + " repeats, " + killed + " killed mid-run, " + finishedFirst
                + " finished before the kill; all resumed to the uninterrupted run's losses (seed " + seed + ")\n  "
                + String.join("\n  ", report));
        assertTrue(killed >= Math.max(1, n / 2), "most repeats should kill a running process: " + report);
    }

    @SuppressWarnings("unchecked")
    static void assertSameRun(Path ref, Path run, String what) throws Exception {
        Map<String, Object> a = RunDir.JSON.readValue(ref.resolve("summary.json").toFile(), Map.class);
        Map<String, Object> b = RunDir.JSON.readValue(run.resolve("summary.json").toFile(), Map.class);
        for (String k : List.of("iters", "final_train_loss", "final_val_loss", "best_val_loss", "best_step", "test_loss", "test_loss_at_best"))
            assertEquals(a.get(k), b.get(k), what + ": summary " + k);
        // every logged loss: the resumed run dropped the lines past its checkpoint and logged them again, identically
        assertEquals(losses(ref), losses(run), what + ": metrics.jsonl");
        assertEquals(Checkpoint.load(ref.resolve("checkpoints/last.safetensors")).metadata().get("tensors_sha256"),
                Checkpoint.load(run.resolve("checkpoints/last.safetensors")).metadata().get("tensors_sha256"), what + ": final weights");
        assertEquals(Checkpoint.load(ref.resolve("checkpoints/best.safetensors")).metadata().get("tensors_sha256"),
                Checkpoint.load(run.resolve("checkpoints/best.safetensors")).metadata().get("tensors_sha256"), what + ": best weights");
    }

    /** metrics.jsonl without the wall-clock fields. */
    static List<String> losses(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(l -> l.replaceAll(",\"(ms|elapsed_s)\":[0-9.Ee-]+", "")).toList();
    }

    /** Waits until the run's first checkpoint exists; returns System.nanoTime() then. */
    static long waitForCheckpoint(Process p, Path run) throws Exception {
        Path ck = run.resolve("checkpoints/last.safetensors");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ck)) {
            assertTrue(p.isAlive() || Files.exists(ck), "the child ended before its first checkpoint");
            assertTrue(System.nanoTime() < deadline, "no checkpoint after 120 s");
            Thread.sleep(2);
        }
        return System.nanoTime();
    }

    static String read(Path f) {
        try { return Files.readString(f); } catch (Exception e) { return "(no log)"; }
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
