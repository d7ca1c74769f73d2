// What turns text into token ids and back, for every kind of tokenizer (char, word, byte, bpe, tiktoken); each one
// serialises itself into a checkpoint's metadata so a run decodes with exactly the tokenizer it was trained with.
package dev.nanolm.tokenize;

public interface Tokenizer {
    /** Token ids of text; IllegalArgumentException naming what cannot be encoded (a char vocabulary's unknown characters). */
    int[] encode(String text);

    /** The text of ids[from, to); byte-level tokenizers replace an incomplete UTF-8 sequence at either end with U+FFFD. */
    String decode(int[] ids, int from, int to);

    default String decode(int[] ids) { return decode(ids, 0, ids.length); }

    /** The UTF-8 bytes of one token (a byte-level token may hold part of a character), for streaming output. */
    byte[] tokenBytes(int id);

    int vocabSize();

    /** The checkpoint's "tokenizer" value: char, word, byte, bpe or tiktoken:<encoding>. */
    String kind();

    /** A short human-readable name for logs and summaries (e.g. bpe-512, tiktoken:cl100k_base). */
    default String name() { return kind(); }

    /** Everything needed to rebuild this tokenizer, for the checkpoint's "vocab" value (see Tokenizers.fromCheckpoint). */
    String serialize();
}
