// Python's random.seed + random.shuffle reproduced bit for bit: reference permutations printed by CPython 3.11
// (`random.seed(s); x = list(range(10)); random.shuffle(x)`), and the lectures' split of names.txt.
package dev.nanolm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonShuffleTest {

    static int[] shuffled(long seed, int n) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = i;
        new PythonShuffle(seed).shuffle(x);
        return x;
    }

    @Test
    void matchesCPythonOnReferencePermutations() {
        assertArrayEquals(new int[] {7, 3, 2, 8, 5, 6, 9, 4, 0, 1}, shuffled(42, 10));
        assertArrayEquals(new int[] {6, 8, 9, 7, 5, 3, 0, 4, 1, 2}, shuffled(1, 10));
        assertArrayEquals(new int[] {9, 8, 5, 4, 3, 2, 6, 7, 0, 1}, shuffled(5_000_000_000L, 10)); // a two-word seed
        assertArrayEquals(shuffled(42, 10), shuffled(-42, 10)); // Python seeds with abs(n)
    }

    @Test
    void splitsNamesExactlyAsTheMakemoreLectures() throws Exception {
        // random.seed(42); random.shuffle(words); words[:n1], words[n1:n2], words[n2:] with n1 = 80%, n2 = 90%
        String text = Files.readString(TestData.file("names.txt"));
        LineDataset ds = LineDataset.fromText(text, 42, "names.txt");
        assertEquals(List.of("yuheng", "diondre", "xavien"), ds.train.subList(0, 3));
        assertEquals(List.of("amay", "aytana", "jenevi"), ds.dev.subList(0, 3));
        assertEquals(List.of("mustafa", "reuben", "kahlel"), ds.test.subList(0, 3));
        assertEquals(List.of(25626, 3203, 3204), List.of(ds.train.size(), ds.dev.size(), ds.test.size()));
    }

    @Test
    void otherSplitPercentagesCutTheSameShuffle() throws Exception {
        String text = Files.readString(TestData.file("names.txt"));
        LineDataset lecture = LineDataset.fromText(text, 42, "names.txt");
        LineDataset wide = LineDataset.fromText(text, 42, LineDataset.Shuffle.PYTHON, 97, 1.5, "names.txt");
        assertEquals(List.of(31072, 480, 481), List.of(wide.train.size(), wide.dev.size(), wide.test.size()));
        assertEquals(lecture.train, wide.train.subList(0, lecture.train.size())); // same order, a later cut
    }
}
