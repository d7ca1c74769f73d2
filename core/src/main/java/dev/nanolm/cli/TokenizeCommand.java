// `nanolm tokenize`: how a tokenizer sees a corpus: tokens, characters per token, how much of the vocabulary the
// text uses, the first tokens, and whether decoding gives the text back exactly.
package dev.nanolm.cli;

import dev.nanolm.data.Catalog;
import dev.nanolm.data.DataException;
import dev.nanolm.data.TextFiles;
import dev.nanolm.tokenize.Tokenizer;
import dev.nanolm.tokenize.Tokenizers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tokenize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encode a corpus with a tokenizer and report token count, characters per token, vocabulary coverage,",
                "the first tokens and whether decode(encode(text)) gives the text back."})
public final class TokenizeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "SPEC", description = "char, word, byte, bpe:<merges file> or tiktoken:<encoding>")
    String tokenizer;

    @Option(names = "--min-count", paramLabel = "N", defaultValue = "" + Tokenizers.WORD_MIN_COUNT,
            description = "word: keep words seen more than N times (default: ${DEFAULT-VALUE})")
    int minCount;

    @Option(names = "--data", required = true, paramLabel = "NAME|PATH", description = "dataset name (see `nanolm datasets`) or a UTF-8 text file")
    String data;

    @Option(names = "--show", paramLabel = "N", defaultValue = "20", description = "how many of the first tokens to print (default: ${DEFAULT-VALUE})")
    int show;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override public Integer call() {
        if (show < 0) throw new dev.nanolm.config.ConfigException("--show must be 0 or more, got " + show, "use --show 20");
        Tokenizers.check(tokenizer); // a typo fails before the data is read
        Path path = new Catalog().onProgress(msg -> System.err.println("nanolm: " + msg)).resolve(data);
        String text = TextFiles.readUtf8(path);
        if (minCount < 0) throw new dev.nanolm.config.ConfigException("--min-count must be 0 or more, got " + minCount, "use --min-count " + Tokenizers.WORD_MIN_COUNT);
        Tokenizer tok = Tokenizers.fromSpec(tokenizer, text, minCount);
        long t0 = System.nanoTime();
        int[] ids;
        try {
            ids = tok.encode(text);
        } catch (IllegalArgumentException e) {
            throw new DataException(path + " cannot be encoded with " + tok.name() + ": " + e.getMessage(), "use --tokenizer byte, which encodes any text");
        }
        double encodeS = (System.nanoTime() - t0) / 1e9;
        String back = tok.decode(ids);
        long chars = text.codePointCount(0, text.length());
        boolean[] used = new boolean[tok.vocabSize()];
        int distinct = 0;
        for (int id : ids) if (!used[id]) { used[id] = true; distinct++; }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("tokenizer: %s (%,d tokens in the vocabulary)%n", tok.name(), tok.vocabSize());
        out.printf("data: %s (%,d characters, %,d UTF-8 bytes)%n", path, chars, text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        out.printf("tokens: %,d (encoded in %.2f s)%n", ids.length, encodeS);
        out.printf("chars per token: %.3f%n", ids.length == 0 ? 0.0 : (double) chars / ids.length);
        out.printf("vocabulary coverage: %,d of %,d ids used (%.1f%%)%n", distinct, tok.vocabSize(), 100.0 * distinct / tok.vocabSize());
        int n = Math.min(show, ids.length);
        StringBuilder idList = new StringBuilder(), strList = new StringBuilder();
        for (int i = 0; i < n; i++) {
            idList.append(i == 0 ? "" : " ").append(ids[i]);
            strList.append(i == 0 ? "" : " ").append(quoted(tok.decode(ids, i, i + 1)));
        }
        out.printf("first %d tokens: %s%n", n, idList);
        out.printf("as text: %s%n", strList);
        out.println("round trip: " + (back.equals(text) ? "exact" : "differs at character offset " + firstDifference(text, back)));
        out.flush();
        return 0;
    }

    /** A token's text in quotes with line breaks, tabs and quotes escaped (a partial UTF-8 character shows as U+FFFD). */
    static String quoted(String s) {
        return "'" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("'", "\\'") + "'";
    }

    /** The code-point offset of the first difference between a and b. */
    static long firstDifference(String a, String b) {
        int i = 0, n = Math.min(a.length(), b.length());
        while (i < n && a.charAt(i) == b.charAt(i)) i++;
        return a.codePointCount(0, Math.min(i, a.length()));
    }
}
