// `nanolm embeddings`: the token-embedding table of a trained run as a labelled scatter plot (makemore part 2),
// through PCA when the embedding is wider than 2.
package dev.nanolm.cli;

import dev.nanolm.data.DataException;
import dev.nanolm.report.Embeddings;
import dev.nanolm.report.Plots;
import dev.nanolm.report.RunPlots;
import dev.nanolm.tokenize.CharVocab;
import dev.nanolm.tokenize.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "embeddings", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Plot a run's token embeddings (makemore part 2): one point per character,",
                "labelled ('.' is the boundary token); the first two principal components",
                "when the embedding is wider than 2."})
public final class EmbeddingsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run directory written by `nanolm train`")
    Path run;

    @Option(names = "--checkpoint", paramLabel = "best|last", defaultValue = "best", description = "which checkpoint (default: ${DEFAULT-VALUE})")
    String which;

    @Option(names = "--out", paramLabel = "FILE", description = "the PNG to write (default: <run>/plots/embeddings.png)")
    Path out;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override public Integer call() {
        if (out != null && !out.getFileName().toString().endsWith(".png"))
            throw new dev.nanolm.config.ConfigException("--out must name a .png file, got " + out, "use --out embeddings.png");
        RunCheckpoint rc = RunCheckpoint.open(run, which);
        Embeddings.Table t = Embeddings.tokenTable(rc.model());
        if (t == null) throw new DataException("the " + rc.model().type() + " model of " + run + " has no token-embedding table",
                "plot a run of a model with embeddings (mlp, gpt, bigram-nn)");
        Tokenizer vocab = rc.tokenizer();
        String[] labels = new String[t.rows()];
        for (int i = 0; i < labels.length; i++)
            labels[i] = shown(vocab instanceof CharVocab cv ? cv.decode(i) : vocab.decode(new int[] {i}));
        Embeddings.Points pts = Embeddings.points(t);
        Path png = out != null ? out : RunPlots.plotsDir(run).resolve("embeddings.png");
        String title = String.format("token embeddings %s of %s (%d x %d)", t.name(), run.getFileName(), t.rows(), t.cols());
        try {
            Plots.write(Embeddings.chart(t, pts, labels, title), png, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("%s: %d tokens x %d dims; %s%n", t.name(), t.rows(), t.cols(), pts.note());
        w.println("wrote " + png);
        w.flush();
        return 0;
    }

    /** A character as a label: whitespace and control characters spelled out. */
    static String shown(String c) {
        return switch (c) {
            case "\n" -> "\\n";
            case " " -> "sp";
            case "\t" -> "\\t";
            case "\r" -> "\\r";
            default -> c.codePointCount(0, c.length()) == 1 && Character.isISOControl(c.codePointAt(0))
                    ? String.format("U+%04X", c.codePointAt(0)) : c;
        };
    }
}
