// The real AG News train file has 120,000 rows (the one in the shared data 20,000): a generated file of that size
// loads, yields a vocabulary and encoded rows, and trains a few batches of the agnews-rnn network within the test heap.
package dev.nanolm.classify;

import dev.nanolm.tokenize.WordVocab;
import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.config.Presets;
import dev.nanolm.config.Settings;
import dev.nanolm.optim.AdamW;
import dev.nanolm.tensor.Rng;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullSizeDataTest {
    static final int ROWS = 120_000;

    @TempDir Path tmp;

    /** AG News-like rows: label 1..4, a title and a description of 15..60 words drawn Zipf-like from 50,000 words. */
    static Path agNewsLike(Path file, int rows) throws Exception {
        Rng r = new Rng(7);
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < rows; i++) {
                w.write("\"" + (1 + r.nextInt(4)) + "\",\"");
                words(w, r, 4 + r.nextInt(8));
                w.write("\",\"");
                words(w, r, 15 + r.nextInt(46));
                w.write("\"\n");
            }
        }
        return file;
    }

    private static void words(BufferedWriter w, Rng r, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            if (i > 0) w.write(r.nextInt(20) == 0 ? "\\" : " "); // AG News' line breaks
            w.write("w" + (int) Math.exp(r.nextDouble() * Math.log(50_000)));
        }
    }

    @Test
    void aFullSizeTrainFileLoadsEncodesAndTrains() throws Exception {
        Path train = agNewsLike(tmp.resolve("train.csv"), ROWS);
        Settings s = Settings.defaults().setAll(Presets.load("agnews-rnn").values());
        s.set("data", train.toString());
        s.set("label-col", "1");
        s.set("text-cols", "2,3");
        ClassifyData d = ClassifyData.load(s); // without --test-data: 10% of the rows are the test set
        assertEquals(ROWS - ROWS / 10, d.train().size());
        assertEquals(ROWS / 10, d.test().size());
        assertEquals(4, d.train().classes().size());

        WordVocab vocab = WordVocab.build(d.train().texts(), s.integer("min-count"));
        // every word is w<k>: the frequent ones (small k) pass min-count 25, the tail does not
        assertTrue(vocab.size() > 1000 && vocab.size() < 50_000, "vocabulary " + vocab.size());
        assertTrue(vocab.id("w1") > WordVocab.PAD && vocab.id("w49000") == WordVocab.UNK);
        Batches.Encoded tr = Batches.Encoded.of(d.train(), vocab, s.integer("max-len"));
        assertTrue(tr.meanLength() > 20 && tr.meanLength() < 80, "mean length " + tr.meanLength());

        ClassifierConfig cfg = ClassifierConfig.from(s, vocab.size(), 4);
        Rng rng = new Rng(1);
        RnnClassifier model = new RnnClassifier(cfg, rng);
        model.train(true);
        TrainStep step = new TrainStep(model, new AdamW(model.parameters(), 1e-3f, 0.9f, 0.999f, 1e-8f, 0f), 0f);
        int[] order = EpochOrder.of(tr, rng, 32, false);
        for (int b = 0; b < 3; b++) {
            TrainStep.Result res = step.run(tr.batch(order, b * 32, (b + 1) * 32), rng);
            assertTrue(Float.isFinite(res.loss()) && res.correct() >= 0 && res.correct() <= 32);
        }
    }
}
