// Embedding lookup: rows copied in index order, scatter-add backward (repeated indices add up), range checks.
package dev.nanolm.autograd;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import dev.nanolm.testing.TestTensors;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void picksRowsInIndexShape() {
        Rng rng = new Rng(1);
        Tensor w = TestTensors.randn(rng, 11, 7);
        int[] idx = {3, 0, 10, 3, 5, 3};
        Tensor y = Ops.embedding(w, idx, 2, 3);
        assertArrayEquals(new int[] {2, 3, 7}, y.shape);
        for (int i = 0; i < idx.length; i++)
            for (int j = 0; j < 7; j++) assertEquals(w.data[idx[i] * 7 + j], y.data[i * 7 + j]);
        assertArrayEquals(new int[] {6, 7}, Ops.embedding(w, idx).shape, "no index shape: (n, C)");
    }

    @Test
    void gradientScatterAddsRepeatedIndices() {
        Rng rng = new Rng(2);
        Tensor w = TestTensors.randn(rng, 13, 17);
        int[] idx = TestTensors.ints(rng, 3 * 7, 13);
        idx[1] = idx[0]; // make sure at least one row repeats
        GradCheck.assertGradients("embedding", in -> Ops.embedding(in[0], idx, 3, 7), w);

        w.zeroGrad();
        Tape.backward(Ops.sum(Ops.embedding(w, idx, 3, 7)));
        int[] counts = new int[13];
        for (int i : idx) counts[i]++;
        for (int v = 0; v < 13; v++) for (int j = 0; j < 17; j++) assertEquals(counts[v], w.grad()[v * 17 + j], 0f);
    }

    @Test
    void indexOutOfRangeThrows() {
        Tensor w = Tensor.zeros(5, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.embedding(w, new int[] {0, 5}));
        assertTrue(e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ops.embedding(w, new int[] {-1}));
    }

    @Test
    void indexShapeMustHoldTheIndices() {
        assertThrows(ShapeException.class, () -> Ops.embedding(Tensor.zeros(5, 3), new int[] {0, 1, 2}, 2, 2));
        assertThrows(ShapeException.class, () -> Ops.embedding(Tensor.zeros(5), new int[] {0}));
    }
}
