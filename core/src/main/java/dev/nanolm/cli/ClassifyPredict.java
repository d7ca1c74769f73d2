// `nanolm classify predict`: labels texts (arguments or a file, one per line) with a classifier run's checkpoint.
package dev.nanolm.cli;

import dev.nanolm.classify.Batches;
import dev.nanolm.classify.ClassifierCheckpoint;
import dev.nanolm.classify.Evaluator;
import dev.nanolm.classify.LabeledTexts;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Settings;
import dev.nanolm.data.TextFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Label texts with a run's best checkpoint: each text's class and the class probabilities.")
final class ClassifyPredict implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--run", required = true, paramLabel = "DIR") Path runDir;
    @Option(names = "--file", paramLabel = "FILE", description = "one text per line") Path file;
    @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "best|last") String which;
    @Option(names = "--debug") boolean debug;
    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "texts to label") List<String> texts = new ArrayList<>();

    @Override public Integer call() {
        List<String> in = new ArrayList<>(texts);
        if (file != null) for (String line : TextFiles.readUtf8(file).split("\r?\n")) if (!line.isBlank()) in.add(line);
        if (in.isEmpty()) throw new ConfigException("nothing to label", "give texts as arguments or --file FILE (one text per line)");
        ClassifierCheckpoint.Loaded m = ClassifyCommand.load(runDir, which);
        int maxLen = Settings.fromMap(ClassifyCommand.settingsOf(m)).integer("max-len");
        int[] zeros = new int[in.size()];
        LabeledTexts lt = new LabeledTexts(in.toArray(new String[0]), zeros, m.classes(), "input");
        Evaluator.Result r = Evaluator.run(m.model(), Batches.Encoded.of(lt, m.vocab(), maxLen), 256, true);
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < in.size(); i++) {
            StringBuilder sb = new StringBuilder(m.classes().get(r.predicted()[i]));
            for (int c = 0; c < m.classes().size(); c++) sb.append(String.format("\t%s=%.3f", m.classes().get(c), r.probs()[i][c]));
            String t = in.get(i);
            sb.append('\t').append(t.length() > 80 ? t.substring(0, 77) + "..." : t);
            out.println(sb);
        }
        out.flush();
        return 0;
    }
}
