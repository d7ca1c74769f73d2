// A sweep killed for real (SIGKILL of its JVM) after its first run finished: the same command again skips that run
// and trains only the missing ones, and every run then has its marker and summary.
package dev.nanolm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.train.NamesEndToEndTest;
import dev.nanolm.train.Sweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepKillTest {
    @Test
    void killedSweepFinishesOnlyWhatIsMissing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sw");
        List<String> args = new ArrayList<>(List.of("sweep", "--data", NamesEndToEndTest.names(), "--out", out.toString(),
                "--grid", "learning-rate=0.05,0.2,0.4"));
        args.addAll(List.of(SweepTest.COMMON));
        args.addAll(List.of("--max-iters", "400", "--eval-interval", "200"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), "dev.nanolm.cli.Main"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path first = out.resolve("learning-rate=0.05").resolve(Sweep.MARKER), last = out.resolve("learning-rate=0.4").resolve(Sweep.MARKER);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(first) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertTrue(Files.exists(first), "the first run should have finished: " + Files.readString(tmp.resolve("child.log")));
        assertFalse(Files.exists(last), "killed before the last run finished");
        String firstDone = Files.readString(first);

        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[1/3] learning-rate=0.05: finished earlier, skipped"), r.out());
        assertEquals(0, SweepTest.count(r.out(), "learning-rate=0.05: started") + SweepTest.count(r.out(), "learning-rate=0.05: resuming"), r.out());
        assertEquals(1, SweepTest.count(r.out(), "learning-rate=0.2: ") - SweepTest.count(r.out(), "learning-rate=0.2: done"), r.out());
        assertEquals(firstDone, Files.readString(first), "the finished run was not touched");
        for (String lr : List.of("0.05", "0.2", "0.4")) {
            Path run = out.resolve("learning-rate=" + lr);
            assertTrue(Files.exists(run.resolve(Sweep.MARKER)), lr);
            assertEquals(400L, ((Number) NamesEndToEndTest.summary(run).get("iters")).longValue(), lr);
        }
        assertEquals(4, Files.readAllLines(out.resolve("sweep.csv")).size());
    }
}
