// `classify train --resume`: a run stopped right after a checkpoint (mid-epoch or at an epoch's end) and resumed
// writes the same metrics and ends with the same weights and Adam state, bit for bit, as one that never stopped.
package dev.nanolm.classify;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.checkpoint.Checkpoint;
import dev.nanolm.config.Presets;
import dev.nanolm.config.Settings;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.train.RunDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassifyResumeTest {
    @TempDir Path tmp;

    /** Rows whose words hint at their class among shared filler words, so the network has something to learn. */
    static Path csv(Path file, int rows, long seed) throws Exception {
        String[][] cue = {{"goal", "match", "team"}, {"stocks", "profit", "bank"}, {"vote", "minister", "war"}, {"software", "chip", "web"}};
        String[] filler = {"the", "a", "of", "news", "today", "report", "new", "big"};
        Rng r = new Rng(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            int y = r.nextInt(4), len = 2 + r.nextInt(9);
            sb.append(y + 1).append(",\"title\",\"");
            for (int w = 0; w < len; w++) sb.append(w > 0 ? " " : "").append(r.nextInt(3) == 0 ? cue[y][r.nextInt(3)] : filler[r.nextInt(filler.length)]);
            sb.append("\"\n");
        }
        return Files.writeString(file, sb.toString());
    }

    Settings settings() throws Exception {
        Settings s = Settings.defaults().setAll(Presets.load("agnews-gru").values());
        s.set("data", csv(tmp.resolve("train.csv"), 120, 1).toString());
        s.set("test-data", csv(tmp.resolve("test.csv"), 40, 2).toString());
        // 15 batches per epoch, evaluations after batches 5, 10 and 15; dropout between the two GRU layers and after fc1
        for (String[] kv : new String[][] {{"min-count", "0"}, {"n-embd", "8"}, {"n-hidden", "8"}, {"batch-size", "8"}, {"epochs", "2"},
                {"evals-per-epoch", "3"}, {"bucket", "true"}, {"threads", "1"}, {"dropout", "0.2"}}) s.set(kv[0], kv[1]);
        return s;
    }

    Path train(Settings s, String name, boolean resume, int stopAfterEvals) {
        RunDir run = new RunDir(tmp.resolve(name)).create();
        ClassifyTrainer t = new ClassifyTrainer(s, ClassifyData.load(s), run, new PrintStream(new ByteArrayOutputStream()));
        t.stopAfterEvals = stopAfterEvals;
        t.train(resume);
        return run.dir;
    }

    @ParameterizedTest(name = "stopped after evaluation {0}")
    @ValueSource(ints = {3, 4}) // 3: at the end of epoch 1; 4: a third into epoch 2
    void resumedRunMatchesAnUninterruptedOne(int stopAfter) throws Exception {
        Settings s = settings();
        Path whole = train(s, "whole", false, -1);
        Path parts = train(s, "parts", false, stopAfter);
        assertFalse(Files.exists(parts.resolve("summary.json")));
        // a kill between the checkpoint and the next one can leave rows (and half a row) the resumed run redoes
        Files.writeString(parts.resolve("metrics.jsonl"), "{\"step\":99,\"epoch\":9.0}\n{\"step\":10", java.nio.file.StandardOpenOption.APPEND);
        train(s, "parts", true, -1);

        assertEquals(6, Files.readAllLines(whole.resolve("metrics.jsonl")).size());
        assertEquals(Files.readString(whole.resolve("metrics.jsonl")), Files.readString(parts.resolve("metrics.jsonl")));
        for (String ck : new String[] {"last", "best"}) {
            Map<String, Tensor> a = Checkpoint.load(whole.resolve("checkpoints/" + ck + ".safetensors")).tensors(),
                    b = Checkpoint.load(parts.resolve("checkpoints/" + ck + ".safetensors")).tensors();
            assertEquals(a.keySet(), b.keySet());
            assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith(Checkpoint.OPTIM_PREFIX)), "Adam's moments are saved");
            for (String k : a.keySet()) assertArrayEquals(a.get(k).data, b.get(k).data, ck + " " + k);
        }
        String sa = Files.readString(whole.resolve("summary.json")), sb = Files.readString(parts.resolve("summary.json"));
        for (String key : new String[] {"\"test_accuracy\"", "\"best_test_accuracy\"", "\"best_epoch\"", "\"iters\"", "\"final_test_loss\""})
            assertEquals(line(sa, key), line(sb, key), key);
    }

    private static String line(String json, String key) {
        return json.lines().filter(l -> l.trim().startsWith(key)).findFirst().orElseThrow(() -> new AssertionError(key + " missing"));
    }
}
