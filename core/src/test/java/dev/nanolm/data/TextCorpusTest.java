// Text corpora: nanoGPT's 90/10 split and vocabulary on Tiny Shakespeare, batches as get_batch, full-split blocks.
package dev.nanolm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.tensor.Rng;
import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class TextCorpusTest {
    @Test
    void shakespeareSplitAndVocabAreNanoGpts() throws Exception {
        TextCorpus c = new TextCorpus(Files.readString(TestData.file("tinyshakespeare.txt")), 64, "shakespeare");
        assertEquals(65, c.vocab().size());
        assertEquals(1_003_854, c.trainTokens().length);
        assertEquals(111_540, c.valTokens().length);
        assertEquals('\n', c.vocab().decode(0).charAt(0)); // sorted by code point: newline first, as nanoGPT's stoi
        assertEquals(" ", c.vocab().decode(1));
    }

    @Test
    void batchTargetsAreInputsShiftedByOne() {
        TextCorpus c = new TextCorpus("abcdefghijklmnopqrstuvwxyz".repeat(20), 8, "t");
        int B = 5, T = 8;
        int[] X = new int[B * T], Y = new int[B * T];
        c.batch(LmData.Split.TRAIN, B, new Rng(1), X, Y);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T - 1; t++) assertEquals(X[b * T + t + 1], Y[b * T + t]);
        int[] X2 = new int[B * T], Y2 = new int[B * T];
        c.batch(LmData.Split.TRAIN, B, new Rng(1), X2, Y2);
        assertArrayEquals(X, X2); // seeded
    }

    @Test
    void fullSplitCoversTheSplitInBlocks() {
        TextCorpus c = new TextCorpus("0123456789".repeat(100), 7, "t");
        int n = c.fullCount(LmData.Split.VAL);
        assertEquals((100 - 1) / 7, n);
        int[] X = new int[n * 7], Y = new int[n * 7];
        c.fullBatch(LmData.Split.VAL, 0, n, X, Y);
        assertArrayEquals(java.util.Arrays.copyOfRange(c.valTokens(), 0, n * 7), X);
        assertArrayEquals(java.util.Arrays.copyOfRange(c.valTokens(), 1, n * 7 + 1), Y);
    }

    @Test
    void unicodeOutsideTheBmpWorks() {
        String text = "Zażółć gęślą jaźń. Съешь же ещё этих мягких французских булок 🐉\n".repeat(40);
        TextCorpus c = new TextCorpus(text, 16, "pl");
        int[] all = c.vocab().encode(text);
        assertEquals(text, c.vocab().decodeText(all, 0, all.length));
        assertTrue(c.vocab().id("🐉".codePointAt(0)) >= 0);
    }

    @Test
    void tooShortForTheBlockIsADataError() {
        DataException e = assertThrows(DataException.class, () -> new TextCorpus("short text", 64, "tiny.txt"));
        assertTrue(e.getMessage().contains("tiny.txt"), e.getMessage());
    }
}
