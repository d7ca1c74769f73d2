// A full disk (simulated through AtomicFiles' fault hook: tests may run as root, where read-only folders do not
// stop writes) while a checkpoint is written: training stops with `error:` and exit 1, the previous checkpoint stays
// intact, no temp file is left, and --resume then finishes with the uninterrupted run's losses.
package dev.nanolm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.cli.Main;
import dev.nanolm.testing.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFullTest {
    static final String[] COMMON = {"--preset", "names-mlp", "--data", TestData.file("names.txt").toString(), "--max-iters", "500",
            "--eval-interval", "100", "--log-interval", "50", "--eval-samples", "0", "--eval-iters", "5", "--threads", "1"};

    @AfterEach
    void noFault() { AtomicFiles.injectFault(null); }

    static int cli(StringWriter err, String... args) {
        return Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    @Test
    void aFullDiskDuringACheckpointKeepsThePreviousOneAndResumeFinishes(@TempDir Path tmp) throws IOException {
        Path ref = tmp.resolve("ref"), run = tmp.resolve("run");
        assertEquals(0, cli(new StringWriter(), KillResumeTest.concat(new String[] {"train", "--out", ref.toString()}, COMMON)));

        // the third write of last.safetensors (step 300) runs out of space after 20 kB
        AtomicInteger lastWrites = new AtomicInteger();
        AtomicFiles.injectFault((target, total) -> {
            if (!target.getFileName().toString().equals("last.safetensors")) return;
            // each write starts with total 0 (counting by falling totals missed a write when a checkpoint, whose size
            // varies by a few bytes of metadata, was written in one chunk bigger than the previous one)
            if (total == 0) lastWrites.incrementAndGet();
            if (lastWrites.get() == 3 && total > 20_000) throw new IOException("No space left on device");
        });
        StringWriter err = new StringWriter();
        int code = cli(err, KillResumeTest.concat(new String[] {"train", "--out", run.toString()}, COMMON));
        AtomicFiles.injectFault(null);
        assertEquals(1, code, err.toString());
        String e = err.toString();
        assertTrue(e.startsWith("error: cannot write checkpoint ") && e.contains("No space left on device") && e.contains("(hint: "), e);
        assertFalse(e.contains("\tat "), e);
        // the checkpoint of step 200 is intact, and nothing half-written lies around
        assertEquals("200", Checkpoint.load(run.resolve("checkpoints/last.safetensors")).requireMeta("step"));
        try (var s = Files.list(run.resolve("checkpoints"))) {
            assertTrue(s.allMatch(f -> f.getFileName().toString().endsWith(".safetensors")), "no temp files");
        }
        // space is back: the run resumes from step 200 and ends exactly where the uninterrupted one did
        assertEquals(0, cli(new StringWriter(), "train", "--out", run.toString(), "--resume"));
        try {
            KillResumeTest.assertSameRun(ref, run, "after a full disk");
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void aFailingSummaryWriteNamesTheFile(@TempDir Path tmp) {
        AtomicFiles.injectFault((target, total) -> {
            if (target.getFileName().toString().equals("summary.json")) throw new IOException("No space left on device");
        });
        StringWriter err = new StringWriter();
        Path run = tmp.resolve("run");
        assertEquals(1, cli(err, KillResumeTest.concat(new String[] {"train", "--out", run.toString()}, COMMON)));
        assertTrue(err.toString().startsWith("error: I/O failure: cannot write " + run.resolve("summary.json"))
                && err.toString().contains("No space left on device") && err.toString().contains("(hint: "), err.toString());
    }
}
