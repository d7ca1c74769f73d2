// A text corpus (Tiny Shakespeare, or any UTF-8 text) as tokens of a Tokenizer (characters by default: the code
// points of the text sorted by value, as nanoGPT's shakespeare_char): first 90% of the characters train, last 10% val
// (nanoGPT's split, each part encoded alone), random windows of T tokens for batches.
package dev.nanolm.data;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.CompactVocab;
import dev.nanolm.tokenize.Tokenizer;
import java.util.LinkedHashMap;
import java.util.Map;

public final class TextCorpus implements LmData {
    private final Tokenizer tokenizer;
    private final int[] train, val;
    private final int T;
    private final String samplePrompt;
    private final int[] samplePromptIds;
    private double valCharsPerTarget = Double.NaN; // computed on first use: it decodes the val split

    /** A character-level corpus (the vocabulary is the text's code points). */
    public TextCorpus(String text, int blockSize, String source) {
        this(text, blockSize, source, CharVocab.fromText(text, false), false);
    }

    /**
     * The text as tokens of tok; with compact, tok narrowed to the ids the text uses (CompactVocab), so a large
     * vocabulary gives a small model. A text the tokenizer cannot encode is a DataException.
     */
    public TextCorpus(String text, int blockSize, String source, Tokenizer tok, boolean compact) {
        int chars = text.codePointCount(0, text.length());
        int at = text.offsetByCodePoints(0, (int) (chars * 0.9));
        String trainText = text.substring(0, at), valText = text.substring(at);
        int[] tr, va;
        try {
            tr = tok.encode(trainText);
            va = tok.encode(valText);
        } catch (IllegalArgumentException e) {
            throw new DataException(source + " cannot be encoded with the " + tok.name() + " tokenizer: " + e.getMessage(), "use --tokenizer byte, which encodes any text");
        }
        if (compact) {
            CompactVocab cv = CompactVocab.of(tok, tr, va);
            tr = cv.toCompact(tr);
            va = cv.toCompact(va);
            tok = cv;
        }
        this.tokenizer = tok;
        this.train = tr;
        this.val = va;
        this.T = blockSize;
        if (val.length < blockSize + 1) {
            String unit = tok instanceof CharVocab ? "characters" : tok.name() + " tokens";
            throw new DataException(source + " has " + (train.length + val.length) + " " + unit + "; with a 90/10 split the validation part ("
                    + val.length + ") must hold at least block-size + 1 = " + (blockSize + 1),
                    "use a longer text or a smaller --block-size");
        }
        // the val split's first 30 characters, as whole tokens: re-encoding a cut string could need a token the corpus
        // never used (cl100k_base's ' neighb' for a cut ' neighbour'), which a compacted vocabulary does not hold
        int k = 0;
        String p = "";
        while (k < val.length && p.codePointCount(0, p.length()) < 30) p = tok.decode(val, 0, ++k);
        this.samplePromptIds = java.util.Arrays.copyOf(val, k);
        this.samplePrompt = p;
    }

    private int[] tokens(Split s) {
        if (s == Split.TEST) throw new IllegalArgumentException("a text corpus has train and val splits only");
        return s == Split.TRAIN ? train : val;
    }

    public int[] trainTokens() { return train; }
    public int[] valTokens() { return val; }

    @Override public Tokenizer tokenizer() { return tokenizer; }

    /** The character vocabulary of a character-level corpus. */
    public CharVocab vocab() {
        if (tokenizer instanceof CharVocab v) return v;
        throw new IllegalStateException("the corpus is tokenized with " + tokenizer.name() + ", not characters");
    }

    @Override public int T() { return T; }
    @Override public int targetsPerExample() { return T; }
    @Override public boolean has(Split split) { return split != Split.TEST; }

    /** nanoGPT's get_batch: B random offsets i, x = data[i:i+T], y = data[i+1:i+1+T]. */
    @Override public void batch(Split split, int B, Rng rng, int[] X, int[] Y) {
        int[] d = tokens(split);
        for (int b = 0; b < B; b++) {
            int i = rng.nextInt(d.length - T);
            System.arraycopy(d, i, X, b * T, T);
            System.arraycopy(d, i + 1, Y, b * T, T);
        }
    }

    /** Non-overlapping blocks of T: every token of the split (but a tail shorter than T) is predicted once. */
    @Override public int fullCount(Split split) { return (tokens(split).length - 1) / T; }

    @Override public void fullBatch(Split split, int from, int B, int[] X, int[] Y) {
        int[] d = tokens(split);
        for (int b = 0; b < B; b++) {
            int i = (from + b) * T;
            System.arraycopy(d, i, X, b * T, T);
            System.arraycopy(d, i + 1, Y, b * T, T);
        }
    }

    /** The characters of the tokens a full pass over split predicts (tokens 1..fullCount*T), per token. */
    @Override public double charsPerTarget(Split split) {
        if (tokenizer instanceof CharVocab) return 1.0;
        if (split == Split.VAL && !Double.isNaN(valCharsPerTarget)) return valCharsPerTarget;
        int n = fullCount(split) * T;
        if (n == 0) return 1.0;
        String s = tokenizer.decode(tokens(split), 1, n + 1);
        double r = (double) s.codePointCount(0, s.length()) / n;
        if (split == Split.VAL) valCharsPerTarget = r;
        return r;
    }

    @Override public Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("train_tokens", train.length);
        m.put("val_tokens", val.length);
        return m;
    }

    @Override public String samplePrompt() { return samplePrompt; }

    /** The tokens of samplePrompt(), as they are in the val split. */
    public int[] samplePromptIds() { return samplePromptIds.clone(); }
}
