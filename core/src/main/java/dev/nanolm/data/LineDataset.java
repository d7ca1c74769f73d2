// A makemore-style line dataset: one item (a name, a word) per line, a char vocabulary with a boundary
// token, and an 80/10/10 train/dev/test split of the items shuffled with a fixed seed — by default exactly as the
// makemore lectures shuffle (Python's random.seed(seed); random.shuffle(items)), so their figures compare.
package dev.nanolm.data;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

public final class LineDataset {
    public final CharVocab vocab;
    public final List<String> train, dev, test;
    public final int maxLength; // longest item in code points

    private LineDataset(CharVocab vocab, List<String> train, List<String> dev, List<String> test, int maxLength) {
        this.vocab = vocab;
        this.train = train;
        this.dev = dev;
        this.test = test;
        this.maxLength = maxLength;
    }

    /**
     * How the items are shuffled before the split: as Python's random.shuffle (the lectures), as torch.randperm
     * (makemore.py), or by nanolm's own Rng.
     */
    public enum Shuffle { PYTHON, TORCH, NANOLM }

    /** Parses text into items (trimmed non-empty lines) and splits them as the lectures do (Python's shuffle). */
    public static LineDataset fromText(String text, long splitSeed, String source) {
        return fromText(text, splitSeed, Shuffle.PYTHON, source);
    }

    /** Parses text into items and splits them 80/10/10 after the given shuffle; source names the file in errors. */
    public static LineDataset fromText(String text, long splitSeed, Shuffle shuffle, String source) {
        return fromText(text, splitSeed, shuffle, 80, 10, source);
    }

    /**
     * Parses text into items (trimmed non-empty lines) and splits them: the first trainPct percent of the shuffled
     * items train, the next devPct percent dev, the rest test (the lectures' int(0.8*n), int(0.9*n) cuts).
     */
    public static LineDataset fromText(String text, long splitSeed, Shuffle shuffle, double trainPct, double devPct, String source) {
        List<String> items = new ArrayList<>();
        // a lone \r ends a line too (old Mac files): left inside an item it would be a character the vocabulary omits
        for (String line : text.split("\r\n|\r|\n")) {
            String t = line.strip();
            if (!t.isEmpty()) items.add(t);
        }
        if (items.size() < 3)
            throw new DataException(source + " has " + items.size() + " non-empty line(s); a line dataset needs at least 3 (one item per line)",
                    "pass a text file with one item (for example a name) per line");
        CharVocab vocab = CharVocab.fromText(String.join("\n", items), true);
        int[] order = new int[items.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        switch (shuffle) {
            case PYTHON -> new PythonShuffle(splitSeed).shuffle(order);
            case TORCH -> TorchShuffle.shuffle(splitSeed, order);
            case NANOLM -> new Rng(splitSeed).shuffle(order);
        }
        List<String> shuffled = new ArrayList<>(items.size());
        for (int i : order) shuffled.add(items.get(i));
        int n1 = (int) (trainPct / 100 * shuffled.size()), n2 = (int) ((trainPct + devPct) / 100 * shuffled.size());
        n1 = Math.max(1, n1);
        n2 = Math.max(n1 + 1, Math.min(n2, shuffled.size() - 1));
        int maxLen = 0;
        for (String s : items) maxLen = Math.max(maxLen, s.codePointCount(0, s.length()));
        return new LineDataset(vocab, Collections.unmodifiableList(shuffled.subList(0, n1)),
                Collections.unmodifiableList(shuffled.subList(n1, n2)), Collections.unmodifiableList(shuffled.subList(n2, shuffled.size())), maxLen);
    }

    public List<String> split(String name) {
        return switch (name) {
            case "train" -> train;
            case "dev", "val" -> dev;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown split " + name);
        };
    }

    public Set<String> trainSet() { return new HashSet<>(train); }

    /**
     * Context windows as in makemore part 2: for each item, blockSize boundary tokens, then slide over
     * item + boundary; X is (N, blockSize) row-major, Y is (N).
     */
    public Windows windows(List<String> items, int blockSize) {
        int n = 0;
        for (String s : items) n += s.codePointCount(0, s.length()) + 1;
        int[] X = new int[n * blockSize], Y = new int[n];
        int row = 0;
        int[] ctx = new int[blockSize];
        for (String s : items) {
            java.util.Arrays.fill(ctx, CharVocab.BOUNDARY);
            int[] ids = vocab.encode(s);
            for (int i = 0; i <= ids.length; i++) {
                int target = i < ids.length ? ids[i] : CharVocab.BOUNDARY;
                System.arraycopy(ctx, 0, X, row * blockSize, blockSize);
                Y[row] = target;
                row++;
                if (blockSize > 0) {
                    System.arraycopy(ctx, 1, ctx, 0, blockSize - 1);
                    ctx[blockSize - 1] = target;
                }
            }
        }
        return new Windows(X, Y, n, blockSize);
    }

    /** N examples of blockSize context ids and one target id each. */
    public record Windows(int[] X, int[] Y, int n, int blockSize) {}
}
