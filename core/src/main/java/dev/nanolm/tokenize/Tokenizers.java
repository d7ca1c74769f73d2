// Builds tokenizers from their --tokenizer spec (char, word, byte, bpe:<file>, tiktoken:<encoding>) and from a checkpoint's
// metadata; the one place that knows every kind, so errors can list the choices.
package dev.nanolm.tokenize;

import dev.nanolm.config.ConfigException;
import dev.nanolm.data.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public final class Tokenizers {
    public static final String CHOICES = "char, word, byte, bpe:<merges file> or tiktoken:<" + String.join("|", Tiktoken.VOCAB_SIZES.keySet()) + ">";

    /**
     * --min-count of a language model's word tokenizer unless given: words seen more than twice (Tiny Shakespeare: 4,900
     * tokens, 4.8% of its words <unk>); the classifiers' 25 would leave 854 tokens and 20% <unk>.
     */
    public static final int WORD_MIN_COUNT = 2;

    /** Checks a spec's form (not the merges file), so a typo fails before any data is read. */
    public static void check(String spec) {
        if (spec.equals("char") || spec.equals("word") || spec.equals("byte")) return;
        if (spec.startsWith("bpe:") && spec.length() > 4) return;
        if (spec.startsWith("tiktoken:") && Tiktoken.VOCAB_SIZES.containsKey(spec.substring(9))) return;
        if (spec.startsWith("tiktoken:"))
            throw new ConfigException("unknown tiktoken encoding '" + spec.substring(9) + "'",
                    "use one of " + String.join(", ", Tiktoken.VOCAB_SIZES.keySet()) + ", e.g. --tokenizer tiktoken:cl100k_base");
        throw new ConfigException("unknown tokenizer '" + spec + "'; the choices are " + CHOICES,
                spec.equals("bpe") || spec.equals("bpe:") ? "give the merges file: --tokenizer bpe:FILE (made by `nanolm tokenizer train`)"
                        : "use --tokenizer char, for example");
    }

    /** The tokenizer spec names; char and word take their vocabulary from text (the corpus it will encode). */
    public static Tokenizer fromSpec(String spec, String text) { return fromSpec(spec, text, WORD_MIN_COUNT); }

    /** As fromSpec(spec, text), a word vocabulary keeping the words seen more than minCount times. */
    public static Tokenizer fromSpec(String spec, String text, int minCount) {
        check(spec);
        if (spec.equals("char")) return CharVocab.fromText(text, false);
        if (spec.equals("word")) return wordVocab(text, minCount);
        if (spec.equals("byte")) return ByteTokenizer.INSTANCE;
        if (spec.startsWith("bpe:")) return loadBpe(Path.of(spec.substring(4)));
        return new Tiktoken(spec.substring(9));
    }

    /** A word vocabulary that holds at least one word: one of only <unk> and the specials would train a model on nothing. */
    private static WordVocab wordVocab(String text, int minCount) {
        if (minCount < 0) throw new ConfigException("--min-count must be 0 or more, got " + minCount, "use --min-count " + WORD_MIN_COUNT);
        WordVocab v = WordVocab.build(new String[] {text}, minCount);
        if (v.size() > WordVocab.SPECIALS.size()) return v;
        if (WordVocab.words(text).length == 0)
            throw new DataException("the text has no words (letters or digits) for --tokenizer word", "use --tokenizer char or byte");
        throw new DataException("no word of the text is seen more than --min-count " + minCount + " times: the vocabulary would be only <unk>",
                "use a smaller --min-count, e.g. --min-count " + WORD_MIN_COUNT);
    }

    /** A merges file written by `nanolm tokenizer train`; DataException when it is missing or not one. */
    public static Bpe loadBpe(Path file) {
        if (!Files.isRegularFile(file))
            throw new DataException("no BPE merges file at " + file, "train one: nanolm tokenizer train --data D --vocab-size 512 --out " + file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException("cannot read the BPE merges file " + file + " (" + e.getMessage() + ")", "check the path and its permissions");
        }
        try {
            return Bpe.parse(text);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + " is " + e.getMessage(), "write it with `nanolm tokenizer train`");
        }
    }

    /**
     * The tokenizer of a checkpoint's metadata: kind ("tokenizer"), its serialised form ("vocab") and, for a compacted
     * vocabulary, the token map ("token_map", else null). IllegalArgumentException when any of it cannot be read.
     */
    public static Tokenizer fromCheckpoint(String kind, String vocab, String tokenMap) {
        Tokenizer t;
        if (kind.equals("char")) t = CharVocab.parse(vocab);
        else if (kind.equals("word")) t = WordVocab.fromJson(vocab);
        else if (kind.equals("byte")) t = ByteTokenizer.INSTANCE;
        else if (kind.equals("bpe")) t = Bpe.parse(vocab);
        else if (kind.startsWith("tiktoken:")) t = new Tiktoken(kind.substring(9));
        else throw new IllegalArgumentException("unknown tokenizer '" + kind + "'");
        if (tokenMap == null) return t;
        try {
            return CompactVocab.parseTokenMap(t, tokenMap);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the token map is not a list of ids");
        }
    }

    private Tokenizers() {}
}
