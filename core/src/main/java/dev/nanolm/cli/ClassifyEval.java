// `nanolm classify eval`: a classifier run's accuracy, per-class scores and confusion matrix on its test set or a CSV.
package dev.nanolm.cli;

import dev.nanolm.classify.Batches;
import dev.nanolm.classify.ClassifierCheckpoint;
import dev.nanolm.classify.ClassifyData;
import dev.nanolm.classify.CsvTexts;
import dev.nanolm.classify.Evaluator;
import dev.nanolm.classify.LabeledTexts;
import dev.nanolm.classify.Scores;
import dev.nanolm.config.Settings;
import dev.nanolm.data.DataException;
import dev.nanolm.train.RunDir;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Accuracy, per-class precision/recall/F1 and the confusion matrix of a run's best checkpoint on its test set or --data FILE.")
final class ClassifyEval implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--run", required = true, paramLabel = "DIR") Path runDir;
    @Option(names = "--data", paramLabel = "NAME|FILE", description = "ag_news or a CSV with the run's columns (default: the run's test set)") String data;
    @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "best|last") String which;
    @Option(names = "--debug") boolean debug;

    @Override public Integer call() {
        ClassifierCheckpoint.Loaded m = ClassifyCommand.load(runDir, which);
        Settings s = Settings.fromMap(ClassifyCommand.settingsOf(m));
        if (data != null) s.set("data", data);
        LabeledTexts test;
        if (data != null && !data.equalsIgnoreCase("ag_news") && !data.equalsIgnoreCase("ag-news"))
            test = CsvTexts.read(new dev.nanolm.data.Catalog().resolve(data), ClassifyData.columns(s), m.classes());
        else test = ClassifyData.load(s).test();
        if (!test.classes().equals(m.classes()))
            throw new DataException("the data's classes " + test.classes() + " are not the model's " + m.classes(), "evaluate on data labelled like the training data");
        int maxLen = s.integer("max-len");
        Batches.Encoded enc = Batches.Encoded.of(test, m.vocab(), maxLen);
        Evaluator.Result r = Evaluator.run(m.model(), enc, 256, false);
        Scores sc = new Scores(enc.labels(), r.predicted(), m.classes());
        int[] all = new int[enc.size()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s checkpoint (epoch %s) on %s (%d rows): loss %.4f%n", which, m.meta().get("epoch"), test.source(), enc.size(), r.meanLoss(all));
        out.print(sc.table());
        out.flush();
        RunDir run = new RunDir(runDir);
        if (Files.exists(run.summary())) {
            LinkedHashMap<String, Object> sum = run.readJson(run.summary());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("data", test.source());
            e.put("checkpoint", which);
            e.put("accuracy", sc.accuracy());
            e.put("per_class", sc.perClass());
            e.put("confusion_matrix", sc.confusionList());
            sum.put("eval", e);
            run.writeJson(run.summary(), sum);
        }
        return 0;
    }
}
