// The corrupted-checkpoint matrix through the CLI: 10 truncations and 10 single-byte flips spread over the length
// prefix, header, metadata and tensor bytes; `sample`, `eval` and `train --resume` each refuse every one with
// `error: ... (hint: ...)`, exit code 1, no output and no change to the run. Also checkpoints of another model or
// vocabulary at resume, and a checkpoint whose tensors do not fit its own config.
package dev.nanolm.cli;

import static dev.nanolm.cli.CliTest.assertCleanError;
import static dev.nanolm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptCheckpointCliTest {
    @TempDir static Path tmp;
    static Path clean;
    static String words;

    static final String[] SMALL = {"--max-iters", "200", "--eval-interval", "100", "--log-interval", "100", "--eval-samples", "0",
            "--eval-iters", "5", "--threads", "1"};

    @BeforeAll
    static void trainOnce() throws IOException {
        clean = tmp.resolve("clean");
        List<String> a = new ArrayList<>(List.of("train", "--preset", "names-mlp", "--data", TestData.file("names.txt").toString(),
                "--out", clean.toString()));
        a.addAll(List.of(SMALL));
        CliTest.Result r = run(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        // a word list with other characters (digits) than names.txt, for the vocabulary mismatch
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) sb.append("w").append(i % 97).append("x\n");
        words = Files.writeString(tmp.resolve("words.txt"), sb.toString()).toString();
    }

    /** One damage: a name for messages and what it does to the file's bytes. */
    record Damage(String name, java.util.function.UnaryOperator<byte[]> apply) {}

    static List<Damage> matrix(byte[] file) {
        long h = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int data = (int) (8 + h), len = file.length, dlen = len - data;
        String header = new String(file, 8, (int) h, StandardCharsets.UTF_8);
        List<Damage> m = new ArrayList<>();
        // truncations: inside the length prefix, the header, the metadata, every stretch of the tensor bytes
        int[] cuts = {0, 5, 8, 8 + (int) h / 4, 8 + (int) h / 2, data - 1, data, data + dlen / 3, data + 2 * dlen / 3, len - 1};
        for (int c : cuts) m.add(new Damage("truncated to " + c + " of " + len + " bytes", b -> Arrays.copyOf(b, c)));
        // flips of one bit-pattern (xor 1: a digit stays a digit, a letter a letter, so only checksums can tell)
        int[] flips = {0, 6, 8, 8 + header.indexOf("\"model_type\"") + 15, 8 + header.indexOf("\"vocab\"") + 12,
                8 + header.indexOf("\"rng\"") + 9, 8 + header.indexOf("\"shape\"") + 9, data - 1, data + dlen / 2, len - 1};
        for (int f : flips) m.add(new Damage("byte " + f + " of " + len + " flipped (" + region(f, data) + ")", b -> {
            byte[] c = b.clone();
            c[f] ^= 1;
            return c;
        }));
        return m;
    }

    static String region(int pos, int data) { return pos < 8 ? "length prefix" : pos < data ? "header" : "tensor bytes"; }

    @Test
    void everyDamagedCheckpointIsRefusedBySampleEvalAndResume() throws IOException {
        byte[] best = Files.readAllBytes(clean.resolve("checkpoints/best.safetensors"));
        byte[] last = Files.readAllBytes(clean.resolve("checkpoints/last.safetensors"));
        List<Damage> m = matrix(last);
        assertEquals(20, m.size());
        int refused = 0, i = 0;
        for (Damage d : m) {
            Path dir = tmp.resolve("damaged-" + i++);
            copyTree(clean, dir);
            Files.write(dir.resolve("checkpoints/best.safetensors"), d.apply.apply(best));
            Files.write(dir.resolve("checkpoints/last.safetensors"), d.apply.apply(last));
            Map<String, byte[]> before = snapshot(dir);
            for (String[] cmd : new String[][] {{"sample", "--run", dir.toString()}, {"sample", "--run", dir.toString(), "--checkpoint", "last"},
                    {"eval", "--run", dir.toString()}, {"train", "--out", dir.toString(), "--resume"}}) {
                CliTest.Result r = run(cmd);
                try {
                    assertCleanError(r, 1, "checkpoint");
                } catch (AssertionError e) {
                    throw new AssertionError(d.name + ", " + String.join(" ", cmd) + ": " + e.getMessage(), e);
                }
                assertTrue(r.out().isBlank() || cmd[0].equals("train"), d.name + ": nothing sampled from a damaged model: " + r.out());
                refused++;
            }
            assertEquals(before.keySet(), snapshot(dir).keySet(), d.name + ": the run's files");
            for (var e : before.entrySet())
                assertTrue(Arrays.equals(e.getValue(), snapshot(dir).get(e.getKey())), d.name + ": " + e.getKey() + " was changed");
        }
        assertEquals(80, refused);
    }

    @Test
    void theRealEntryPointRefusesADamagedCheckpointWithoutAStackTrace() throws Exception {
        byte[] best = Files.readAllBytes(clean.resolve("checkpoints/best.safetensors"));
        List<Damage> m = matrix(best);
        for (Damage d : List.of(m.get(7), m.get(18))) { // a truncation in the tensors, a flip in the tensors
            Path dir = tmp.resolve("child-" + d.name.hashCode());
            copyTree(clean, dir);
            Files.write(dir.resolve("checkpoints/best.safetensors"), d.apply.apply(best));
            ChildProcessCliTest.Result r = ChildProcessCliTest.child("sample", "--run", dir.toString());
            assertEquals(1, r.code(), d.name + ": " + r.err());
            assertTrue(r.err().startsWith("error: bad checkpoint") && r.err().contains("(hint: "), r.err());
            assertTrue(!r.err().contains("\tat ") && !r.err().contains("Exception"), r.err());
            assertTrue(r.out().isBlank(), r.out());
        }
    }

    @Test
    void resumeWithAnotherModelTypeOrVocabularyListsTheDifferences() throws IOException {
        // a bigram-nn checkpoint in an mlp run
        Path other = tmp.resolve("other-type");
        assertEquals(0, run("train", "--preset", "names-bigram-nn", "--data", TestData.file("names.txt").toString(), "--out", other.toString(),
                "--max-iters", "2", "--eval-interval", "1", "--eval-samples", "0").code());
        Path dir = tmp.resolve("mixed-type");
        copyTree(clean, dir);
        Files.copy(other.resolve("checkpoints/last.safetensors"), dir.resolve("checkpoints/last.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliTest.Result r = run("train", "--out", dir.toString(), "--resume");
        assertCleanError(r, 1, "model type bigram-nn vs mlp");

        // an mlp checkpoint trained on other characters
        Path words = tmp.resolve("other-vocab");
        List<String> a = new ArrayList<>(List.of("train", "--preset", "names-mlp", "--data", CorruptCheckpointCliTest.words, "--out", words.toString()));
        a.addAll(List.of(SMALL));
        assertEquals(0, run(a.toArray(String[]::new)).code());
        dir = tmp.resolve("mixed-vocab");
        copyTree(clean, dir);
        Files.copy(words.resolve("checkpoints/last.safetensors"), dir.resolve("checkpoints/last.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        r = run("train", "--out", dir.toString(), "--resume");
        assertCleanError(r, 1, "vocabulary differs");
        assertTrue(r.err().contains("only in the checkpoint: '0' '1'") && r.err().contains("only in this run's data: 'a' 'b'"), r.err());
        assertTrue(r.err().contains("vocabulary size 13 (checkpoint) vs 27 (this run)"), r.err());

        // the run's own settings changed at resume: each differing field by name
        r = run("train", "--out", clean.toString(), "--resume", "--n-embd", "12", "--n-hidden", "100", "--max-iters", "300");
        assertCleanError(r, 1, "--n-embd 10 (checkpoint) vs 12 (this run)");
        assertTrue(r.err().contains("--n-hidden 200 (checkpoint) vs 100 (this run)"), r.err());
        assertTrue(r.err().contains("100 (this run) (hint:"), "no separator left before the hint: " + r.err());
    }

    @Test
    void aCheckpointWhoseTensorsDoNotFitItsConfigIsRefused() throws IOException {
        // valid checksums, but the config claims n_embd 12 while the tensors were made with 10
        Checkpoint ck = Checkpoint.load(clean.resolve("checkpoints/best.safetensors"));
        LinkedHashMap<String, String> meta = new LinkedHashMap<>(ck.metadata());
        meta.put("model_config", meta.get("model_config").replace("\"nEmbd\":10", "\"nEmbd\":12"));
        assertTrue(meta.get("model_config").contains("\"nEmbd\":12"), meta.get("model_config"));
        Path dir = tmp.resolve("misfit");
        copyTree(clean, dir);
        new Checkpoint(ck.tensors(), meta).save(dir.resolve("checkpoints/best.safetensors"));
        CliTest.Result r = run("sample", "--run", dir.toString());
        assertCleanError(r, 1, "do not fit its model");
        assertTrue(r.out().isBlank(), r.out());
        // and a vocabulary that disagrees with the config's vocabulary size
        meta = new LinkedHashMap<>(ck.metadata());
        meta.put("vocab", meta.get("vocab") + "0");
        new Checkpoint(ck.tensors(), meta).save(dir.resolve("checkpoints/best.safetensors"));
        assertCleanError(run("eval", "--run", dir.toString()), 1, "vocabulary has 28 tokens but its model config says 27");
    }

    static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) if (Files.isRegularFile(p)) m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return m;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
