// `nanolm tokenizer train`: trains a byte-level BPE on a corpus and writes its merges file (atomically), the file
// that `--tokenizer bpe:<file>` reads.
package dev.nanolm.cli;

import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.config.ConfigException;
import dev.nanolm.data.Catalog;
import dev.nanolm.data.TextFiles;
import dev.nanolm.tokenize.Bpe;
import dev.nanolm.tokenize.BpeTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tokenizer", mixinStandardHelpOptions = true, subcommands = TokenizerCommand.Train.class,
        description = "Tokenizers: `nanolm tokenizer train` makes a BPE merges file for --tokenizer bpe:<file>.")
public final class TokenizerCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train a byte-level BPE (GPT-4 split regex, minbpe's merge rule) on a corpus and write its merges file."})
    static final class Train implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "NAME|PATH", description = "dataset name (see `nanolm datasets`) or a UTF-8 text file")
        String data;

        @Option(names = "--vocab-size", required = true, paramLabel = "N", description = "tokens in all: 256 bytes + merges + special tokens")
        int vocabSize;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the merges file to write")
        Path out;

        @Option(names = "--special", paramLabel = "TOKEN", description = "a special token, kept whole and never merged (repeatable; default: " + Bpe.END_OF_TEXT + ")")
        List<String> specials;

        @Option(names = "--no-specials", description = "no special tokens at all")
        boolean noSpecials;

        @Option(names = "--debug", description = "print stack traces of errors")
        boolean debug;

        @Override public Integer call() {
            List<String> sp = noSpecials ? List.of() : specials != null ? new ArrayList<>(specials) : List.of(Bpe.END_OF_TEXT);
            for (String s : sp)
                if (s.isEmpty() || s.contains("\n")) throw new ConfigException("--special must be non-empty text on one line, got '" + s + "'", "use --special '<|endoftext|>'");
            if (vocabSize > 1_000_000) throw new ConfigException("--vocab-size " + vocabSize + " is too big for a BPE trained here", "use --vocab-size 512 to 50000");
            BpeTrainer.train("", Math.max(vocabSize, 0), sp); // a size below 256 + specials fails now, before reading the data
            Path path = new Catalog().onProgress(msg -> System.err.println("nanolm: " + msg)).resolve(data);
            String text = TextFiles.readUtf8(path);
            long t0 = System.nanoTime();
            Bpe bpe = BpeTrainer.train(text, vocabSize, sp);
            double trainS = (System.nanoTime() - t0) / 1e9;
            try {
                AtomicFiles.writeString(out, bpe.serialize());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + out, e);
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf("trained %s on %s (%,d characters) in %.2f s: %d merges, %d special token%s%n", bpe.name(), path,
                    text.codePointCount(0, text.length()), trainS, bpe.merges().length, sp.size(), sp.size() == 1 ? "" : "s");
            if (bpe.vocabSize() < vocabSize)
                w.printf("note: the text ran out of pairs to merge: %d tokens, not %d%n", bpe.vocabSize(), vocabSize);
            w.println("wrote " + out + " (use it with --tokenizer bpe:" + out + ")");
            w.flush();
            return 0;
        }
    }
}
