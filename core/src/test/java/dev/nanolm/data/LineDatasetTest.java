// Line datasets: makemore's context windows, the 80/10/10 split, and bad input.
package dev.nanolm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDatasetTest {
    @Test
    void windowsAreMakemores() {
        LineDataset ds = LineDataset.fromText("emma\nava\nbob\n", 42, "t");
        // vocab: boundary '.', then a b e m o v
        assertEquals(7, ds.vocab.size());
        LineDataset.Windows w = ds.windows(List.of("emma"), 3);
        assertEquals(5, w.n());
        int e = ds.vocab.id('e'), m = ds.vocab.id('m'), a = ds.vocab.id('a');
        // ... -> e, ..e -> m, .em -> m, emm -> a, mma -> .
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, e, 0, e, m, e, m, m, m, m, a}, w.X());
        assertArrayEquals(new int[] {e, m, m, a, 0}, w.Y());
    }

    @Test
    void namesSplitIs80_10_10AndDisjoint() throws Exception {
        String text = Files.readString(TestData.file("names.txt"));
        LineDataset ds = LineDataset.fromText(text, 42, "names");
        assertEquals(32033, ds.train.size() + ds.dev.size() + ds.test.size());
        assertEquals(25626, ds.train.size());
        assertEquals(3203, ds.dev.size());
        assertEquals(27, ds.vocab.size());
        assertEquals(15, ds.maxLength);
        // the split is a permutation: a different seed gives a different train set, the same seed the same
        assertEquals(ds.train, LineDataset.fromText(text, 42, "names").train);
        assertNotEquals(ds.train, LineDataset.fromText(text, 43, "names").train);
    }

    @Test
    void tooFewLinesIsADataError() {
        DataException e = assertThrows(DataException.class, () -> LineDataset.fromText("\n  \nabc\n", 1, "f.txt"));
        assertTrue(e.getMessage().contains("f.txt"));
        assertTrue(e.hint() != null && !e.hint().isEmpty());
    }
}
