// The MT19937 core against the C++ standard's reference values, and torch.randperm's algorithm on small cases worked
// by hand from those draws; peer/.../TorchShuffleVsTorchTest checks the draws against libtorch itself.
package dev.nanolm.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.nanolm.testing.TestData;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TorchShuffleTest {
    @Test
    void mt19937MatchesTheStandardsReferenceValues() {
        // std::mt19937 default seed 5489: first output 3499211612; [rand.predef] requires the 10000th to be 4123659995
        Mt19937 mt = Mt19937.genrand(5489);
        assertEquals(3499211612L, Integer.toUnsignedLong(mt.next32()));
        for (int i = 2; i < 10000; i++) mt.next32();
        assertEquals(4123659995L, Integer.toUnsignedLong(mt.next32()));
    }

    @Test
    void randpermSwapsFromTheFrontWithTheGeneratorsDraws() {
        int n = 7;
        int[] a = new int[n], want = new int[n];
        for (int i = 0; i < n; i++) a[i] = want[i] = i;
        TorchShuffle.shuffle(3407, a);
        Mt19937 mt = Mt19937.genrand(3407);
        for (int i = 0; i < n - 1; i++) { // ATen's randperm_cpu for small n
            int z = (int) (Integer.toUnsignedLong(mt.next32()) % (n - i));
            int t = want[i]; want[i] = want[z + i]; want[z + i] = t;
        }
        assertArrayEquals(want, a);
        Set<Integer> seen = new HashSet<>();
        for (int v : a) seen.add(v);
        assertEquals(n, seen.size(), "a permutation");
        assertThrows(IllegalArgumentException.class, () -> TorchShuffle.shuffle(-1, new int[3]));
    }

    @Test
    void splitsNamesAsMakemorePy() throws Exception {
        // makemore.py: torch.manual_seed(3407); rp = torch.randperm(len(words)); the last 1000 of rp are its test set
        String text = Files.readString(TestData.file("names.txt"));
        LineDataset ds = LineDataset.fromText(text, 3407, LineDataset.Shuffle.TORCH, 96.8798, 3.11864, "names.txt");
        assertEquals(List.of(31033, 999, 1), List.of(ds.train.size(), ds.dev.size(), ds.test.size()));
        List<String> words = text.lines().map(String::strip).filter(w -> !w.isEmpty()).toList();
        int[] rp = new int[words.size()];
        for (int i = 0; i < rp.length; i++) rp[i] = i;
        TorchShuffle.shuffle(3407, rp);
        assertEquals(words.get(rp[0]), ds.train.get(0));
        assertEquals(words.get(rp[rp.length - 1000]), ds.dev.get(0));
        assertEquals(words.get(rp[rp.length - 1]), ds.test.get(0));
    }
}
