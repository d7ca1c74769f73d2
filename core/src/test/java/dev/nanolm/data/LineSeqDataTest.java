// Line items as padded sequences (makemore.py's CharDataset): layout of x and y, padding ignored, block size.
package dev.nanolm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.data.LmData.Split;
import dev.nanolm.tensor.Rng;
import org.junit.jupiter.api.Test;

class LineSeqDataTest {
    static final String TEXT = "ab\nbca\nc\nabcab\nba\ncc\naa\nbb\ncab\nacb\n";

    @Test
    void itemsAreBoundaryPrefixedInputsAndBoundaryTerminatedTargets() {
        LineDataset ds = LineDataset.fromText(TEXT, 1, "test");
        LineSeqData d = new LineSeqData(ds, 0);
        assertEquals(6, d.T()); // longest item (abcab) + 1
        assertEquals(6, d.targetsPerExample());
        assertEquals(ds.train.size(), d.fullCount(Split.TRAIN));
        int n = d.fullCount(Split.TRAIN);
        int[] X = new int[n * 6], Y = new int[n * 6];
        d.fullBatch(Split.TRAIN, 0, n, X, Y);
        for (int i = 0; i < n; i++) {
            int[] ids = ds.vocab.encode(ds.train.get(i));
            assertEquals(0, X[i * 6], "x starts with the boundary token");
            for (int t = 0; t < ids.length; t++) {
                assertEquals(ids[t], X[i * 6 + 1 + t]);
                assertEquals(ids[t], Y[i * 6 + t]);
            }
            assertEquals(0, Y[i * 6 + ids.length], "y ends the item with the boundary token");
            for (int t = ids.length + 1; t < 6; t++) assertEquals(LineSeqData.IGNORE, Y[i * 6 + t], "padding is ignored");
        }
        assertSame(ds, d.lineDataset());
    }

    @Test
    void randomBatchesAreWholeItems() {
        LineDataset ds = LineDataset.fromText(TEXT, 1, "test");
        LineSeqData d = new LineSeqData(ds, 8);
        int[] X = new int[5 * 8], Y = new int[5 * 8];
        d.batch(Split.VAL, 5, new Rng(3), X, Y);
        for (int i = 0; i < 5; i++) {
            StringBuilder sb = new StringBuilder();
            for (int t = 1; t < 8 && X[i * 8 + t] != 0; t++) sb.append(ds.vocab.decode(X[i * 8 + t]));
            assertTrue(ds.dev.contains(sb.toString()), sb + " should be a dev item " + ds.dev);
        }
    }

    @Test
    void aBlockTooShortForTheLongestItemIsADataError() {
        LineDataset ds = LineDataset.fromText(TEXT, 1, "test");
        DataException e = assertThrows(DataException.class, () -> new LineSeqData(ds, 5));
        assertTrue(e.getMessage().contains("longest item has 5"), e.getMessage());
    }
}
