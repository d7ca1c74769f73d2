// The fastText-style classifier: padding never changes a text's logits, word order matters only through the bigram
// buckets, each text's features are its words and bigrams, and finite-difference gradients of the whole model.
package dev.nanolm.classify;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.autograd.Ops;
import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.Rng;
import dev.nanolm.tensor.Tensor;
import dev.nanolm.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BowClassifierTest {
    static final int V = 11, C = 3;
    static final int[][] TEXTS = {{1, 5, 6, 2}, {1, 7, 2}, {1, 4, 8, 9, 10, 5, 2}, {1, 6, 5, 2}}; // the last: the first reordered

    static BowClassifier model(int buckets) {
        BowClassifier m = new BowClassifier(new ClassifierConfig("bow", V, 6, 1, 1, false, 0f, "mean", false, false, C, buckets), new Rng(3));
        m.eval();
        return m;
    }

    static Tensor logits(BowClassifier m, int... rows) {
        Batches.Batch b = new Batches.Encoded(TEXTS, new int[] {0, 1, 2, 0}).batch(rows, 0, rows.length);
        return m.logits(b.ids(), b.lengths(), b.B(), b.T(), null);
    }

    @ParameterizedTest(name = "buckets {0}")
    @ValueSource(ints = {0, 7})
    void paddingNeverChangesATextsLogits(int buckets) {
        BowClassifier m = model(buckets);
        Tensor together = logits(m, 0, 1, 2);
        for (int i = 0; i < 3; i++) {
            Tensor alone = logits(m, i);
            for (int k = 0; k < C; k++) assertEquals(alone.data[k], together.data[i * C + k], 1e-5f, "text " + i + " class " + k);
        }
    }

    @ParameterizedTest(name = "buckets {0}")
    @ValueSource(ints = {0, 7})
    void wordOrderMattersOnlyThroughBigrams(int buckets) {
        BowClassifier m = model(buckets);
        Tensor a = logits(m, 0), b = logits(m, 3);
        // words only: the mean of the same words; with buckets, texts 0 and 3 share no bigram unless their buckets collide
        boolean sameBuckets = BowClassifier.bucket(1, 5, 7) == BowClassifier.bucket(1, 6, 7) && BowClassifier.bucket(5, 6, 7) == BowClassifier.bucket(6, 5, 7)
                && BowClassifier.bucket(6, 2, 7) == BowClassifier.bucket(5, 2, 7);
        if (buckets == 0 || sameBuckets) assertArrayEquals(a.data, b.data, 1e-6f);
        else assertNotEquals(a.data[0], b.data[0], 1e-6f);
    }

    @ParameterizedTest(name = "buckets {0}")
    @ValueSource(ints = {0, 7})
    void gradientsOfTheWholeClassifier(int buckets) {
        BowClassifier m = model(buckets);
        Batches.Batch b = new Batches.Encoded(TEXTS, new int[] {0, 1, 2, 0}).batch(new int[] {2, 0, 1}, 0, 3);
        List<Tensor> ps = new ArrayList<>();
        for (Parameter p : m.parameters()) ps.add(p.value());
        GradCheck.assertGradients("bow " + buckets, in -> Ops.crossEntropy(m.logits(b.ids(), b.lengths(), b.B(), b.T(), null), b.labels()),
                ps.toArray(new Tensor[0]));
    }

    @ParameterizedTest(name = "{0} buckets")
    @ValueSource(ints = {1, 5, 100_000})
    void bucketsStayInRange(int buckets) {
        for (int a = 0; a < 50; a++) for (int c = 0; c < 50; c++) {
            int k = BowClassifier.bucket(a, c, buckets);
            assertTrue(k >= 0 && k < buckets);
        }
    }
}
