// End to end through the CLI for the text models beside the GPT (gru-lm, bdh), from their comparison presets shrunk
// to tiny sizes on the first 60,000 characters of Tiny Shakespeare: the loss falls, and train -> checkpoint -> sample works.
package dev.nanolm.train;

import static dev.nanolm.train.ShakespeareEndToEndTest.cli;
import static dev.nanolm.train.ShakespeareEndToEndTest.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.testing.TestData;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class TextModelsEndToEndTest {
    static String[] tiny(String model) {
        return switch (model) {
            case "gru" -> new String[] {"--n-embd", "24", "--n-hidden", "64", "--learning-rate", "1e-2", "--min-lr", "1e-3"};
            case "bdh" -> new String[] {"--n-embd", "32", "--n-head", "2", "--mlp-multiplier", "4", "--learning-rate", "5e-3", "--min-lr", "5e-4"};
            default -> throw new IllegalArgumentException(model);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gru", "bdh"})
    void tinyModelLearnsCheckpointsAndSamples(String model, @TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("shakespeare-60k.txt"), run = tmp.resolve(model);
        Files.writeString(text, Files.readString(TestData.file("tinyshakespeare.txt")).substring(0, 60_000));
        String[] base = {"train", "--preset", "shakespeare-bpe-" + model, "--data", text.toString(), "--out", run.toString(),
                "--block-size", "32", "--batch-size", "8", "--dropout", "0", "--max-iters", "300", "--warmup-iters", "10",
                "--lr-decay-iters", "300", "--eval-interval", "150", "--eval-iters", "5", "--sample-tokens", "20", "--threads", "2"};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(tiny(model))).toArray(String[]::new);
        StringWriter log = new StringWriter();
        assertEquals(0, cli(log, args), log.toString());
        Map<String, Object> s = summary(run);
        double first = firstLoss(run), val = ((Number) s.get("final_val_loss")).doubleValue();
        // characters of Shakespeare: a uniform guess is ln(~60) = 4.1; 300 tiny steps reach about 2.5
        assertTrue(first > 3.5, model + ": the first loss should be near ln(vocab), got " + first);
        assertTrue(val < first - 0.8, model + ": val loss should fall well below the first loss " + first + ", got " + val);
        assertTrue(Files.exists(run.resolve("checkpoints/last.safetensors")), "checkpoint");
        assertTrue(Files.exists(run.resolve("samples/step-000300.txt")), "samples during training");

        StringWriter out = new StringWriter();
        assertEquals(0, cli(out, "sample", "--run", run.toString(), "--prompt", "ROMEO:", "--tokens", "60", "--seed", "3"));
        String sample = out.toString().strip();
        assertTrue(sample.startsWith("ROMEO:"), sample);
        assertEquals(60, sample.codePointCount(0, sample.length()) - 6, sample); // past the block size: the decoder restarts
    }

    /** The training loss of the first logged step (metrics.jsonl). */
    static double firstLoss(Path run) throws Exception {
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            Map<?, ?> m = RunDir.JSON.readValue(line, Map.class);
            if (m.get("loss") instanceof Number n) return n.doubleValue();
        }
        throw new AssertionError("no loss in metrics.jsonl");
    }
}
