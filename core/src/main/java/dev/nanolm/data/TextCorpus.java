// A text corpus (Tiny Shakespeare, or any UTF-8 text) as tokens of a Tokenizer (characters by default: the code
// points of the text sorted by value, as nanoGPT's shakespeare_char): first 90% of the characters train, last 10% val
// (nanoGPT's split, each part encoded alone), random windows of T tokens for batches, read from int arrays or from a
// token cache's memory-mapped train.bin/val.bin (TokenCache).
package dev.nanolm.data;

import dev.nanolm.tensor.Rng;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.CompactVocab;
import dev.nanolm.tokenize.Tokenizer;
import java.util.LinkedHashMap;
import java.util.Map;

public final class TextCorpus implements LmData {
    private final Tokenizer tokenizer;
    private final TokenIds train, val;
    private final int T;
    private final String samplePrompt;
    private final int[] samplePromptIds;
    private double valCharsPerTarget = Double.NaN; // computed on first use: it decodes the val split

    /** The two splits' tokens as the tokenizer gives them (with compact, the narrowed tokenizer), before any cache. */
    public record Encoded(Tokenizer tokenizer, int[] train, int[] val, long valChars) {}

    /** A character-level corpus (the vocabulary is the text's code points). */
    public TextCorpus(String text, int blockSize, String source) {
        this(text, blockSize, source, CharVocab.fromText(text, false), false);
    }

    /**
     * The text as tokens of tok; with compact, tok narrowed to the ids the text uses (CompactVocab), so a large
     * vocabulary gives a small model. A text the tokenizer cannot encode is a DataException.
     */
    public TextCorpus(String text, int blockSize, String source, Tokenizer tok, boolean compact) {
        this(encode(text, source, tok, compact), blockSize, source);
    }

    private TextCorpus(Encoded e, int blockSize, String source) {
        this(e.tokenizer(), TokenIds.of(e.train()), TokenIds.of(e.val()), blockSize, source);
    }

    /** A corpus over tokens already encoded (a token cache's mapped train.bin and val.bin). */
    public TextCorpus(Tokenizer tok, TokenIds train, TokenIds val, int blockSize, String source) {
        this.tokenizer = tok;
        this.train = train;
        this.val = val;
        this.T = blockSize;
        if (val.length() < blockSize + 1) {
            String unit = tok instanceof CharVocab ? "characters" : tok.name() + " tokens";
            throw new DataException(source + " has " + ((long) train.length() + val.length()) + " " + unit + "; with a 90/10 split the validation part ("
                    + val.length() + ") must hold at least block-size + 1 = " + (blockSize + 1),
                    "use a longer text or a smaller --block-size");
        }
        // the val split's first 30 characters, as whole tokens: re-encoding a cut string could need a token the corpus
        // never used (cl100k_base's ' neighb' for a cut ' neighbour'), which a compacted vocabulary does not hold
        int[] head = new int[Math.min(val.length(), 256)]; // 30 characters are at most 120 UTF-8 bytes
        val.copy(0, head, 0, head.length);
        int k = 0;
        String p = "";
        while (k < head.length && p.codePointCount(0, p.length()) < 30) p = tok.decode(head, 0, ++k);
        this.samplePromptIds = java.util.Arrays.copyOf(head, k);
        this.samplePrompt = p;
    }

    /**
     * nanoGPT's split of text (first 90% of the characters train, the rest val, each part encoded alone) as tokens of
     * tok, narrowed to the ids they use with compact; a text the tokenizer cannot encode is a DataException.
     */
    public static Encoded encode(String text, String source, Tokenizer tok, boolean compact) {
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
        return new Encoded(tok, tr, va, chars - (int) (chars * 0.9));
    }

    private TokenIds tokens(Split s) {
        if (s == Split.TEST) throw new IllegalArgumentException("a text corpus has train and val splits only");
        return s == Split.TRAIN ? train : val;
    }

    /** The split's ids as a new array. */
    public int[] trainTokens() { return train.toArray(); }
    public int[] valTokens() { return val.toArray(); }

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
        TokenIds d = tokens(split);
        for (int b = 0; b < B; b++) {
            int i = rng.nextInt(d.length() - T);
            d.copy(i, X, b * T, T);
            d.copy(i + 1, Y, b * T, T);
        }
    }

    /** Non-overlapping blocks of T: every token of the split (but a tail shorter than T) is predicted once. */
    @Override public int fullCount(Split split) { return (tokens(split).length() - 1) / T; }

    @Override public void fullBatch(Split split, int from, int B, int[] X, int[] Y) {
        TokenIds d = tokens(split);
        for (int b = 0; b < B; b++) {
            int i = (from + b) * T;
            d.copy(i, X, b * T, T);
            d.copy(i + 1, Y, b * T, T);
        }
    }

    /** The characters of the tokens a full pass over split predicts (tokens 1..fullCount*T), per token. */
    @Override public double charsPerTarget(Split split) {
        if (tokenizer instanceof CharVocab) return 1.0;
        if (split == Split.VAL && !Double.isNaN(valCharsPerTarget)) return valCharsPerTarget;
        int n = fullCount(split) * T;
        if (n == 0) return 1.0;
        int[] ids = new int[n];
        tokens(split).copy(1, ids, 0, n);
        String s = tokenizer.decode(ids);
        double r = (double) s.codePointCount(0, s.length()) / n;
        if (split == Split.VAL) valCharsPerTarget = r;
        return r;
    }

    @Override public Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("train_tokens", train.length());
        m.put("val_tokens", val.length());
        return m;
    }

    @Override public String samplePrompt() { return samplePrompt; }

    /** The tokens of samplePrompt(), as they are in the val split. */
    public int[] samplePromptIds() { return samplePromptIds.clone(); }
}
