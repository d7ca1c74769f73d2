// The real process edge: a child JVM running nanolm's main exits with the documented code and prints
// one `error:` line and no stack trace.
package dev.nanolm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessCliTest {
    record Result(int code, String out, String err) {}

    static Result child(String... args) throws Exception { return childJvm(List.of(), args); }

    static Result childJvm(List<String> jvmOptions, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.nanolm.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        // the JDK's own incubator warning is not ours
        err = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce("", (a, b) -> a + b + "\n");
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void usageErrorExitsWith2() throws Exception {
        Result r = child("train", "--preset", "no-such-preset");
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.startsWith("error: unknown preset"), r.err);
        assertFalse(r.err.contains("\tat "), r.err);
    }

    @Test
    void dataErrorExitsWith1(@TempDir Path tmp) throws Exception {
        Result r = child("train", "--data", tmp.resolve("missing.txt").toString(), "--out", tmp.resolve("run").toString());
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.startsWith("error: "), r.err);
        assertTrue(r.err.contains("hint: "), r.err);
        assertFalse(r.err.contains("\tat "), r.err);
    }

    @Test
    void runningOutOfHeapIsAnErrorLineNotAStackTrace(@TempDir Path tmp) throws Exception {
        // 300 MB passes the up-front estimate (a lower bound) but not the first steps of batch 64: an OutOfMemoryError
        // escapes the command, which picocli does not hand to the error handler
        Result r = childJvm(List.of("-Xmx300m"), "train", "--preset", "shakespeare-char-baby",
                "--data", dev.nanolm.testing.TestData.file("tinyshakespeare.txt").toString(), "--batch-size", "64",
                "--max-iters", "3", "--eval-iters", "2", "--eval-interval", "3", "--out", tmp.resolve("run").toString());
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.startsWith("error: out of memory (hint: "), r.err);
        assertFalse(r.err.contains("\tat ") || r.err.contains("Exception in thread"), r.err);
    }

    @Test
    void helpExitsWith0() throws Exception {
        Result r = child("--help");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("train"), r.out);
    }
}
