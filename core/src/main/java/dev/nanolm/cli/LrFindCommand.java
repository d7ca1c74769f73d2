// `nanolm lr-find`: makemore part 2's learning-rate search (train.LrFinder) on a preset's model and data, into
// lr-find.csv and lr-find.png (loss against log10 lr, raw and smoothed), with a suggested learning rate.
package dev.nanolm.cli;

import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.config.Settings;
import dev.nanolm.report.Plots;
import dev.nanolm.train.LrFinder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

@Command(name = "lr-find", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Learning-rate search (makemore part 2): from a fresh model, --steps steps with",
                "the learning rate growing exponentially from --min-lr to --max-lr, one",
                "minibatch each. Writes lr-find.csv and lr-find.png (loss against log10 lr,",
                "raw and smoothed) into --out and suggests a learning rate: the middle (on the",
                "log scale) of the valley where the smoothed loss (a centred moving average",
                "over steps/10) is within 3%% of its minimum.",
                "Other settings as `train` takes them: --key value (--optimizer, --n-hidden, ...)."})
public final class LrFindCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", description = "a bundled preset (see `nanolm presets`)")
    String preset;

    @Option(names = "--data", paramLabel = "NAME|PATH", description = "dataset name or a text file (default: the preset's)")
    String data;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "1000", description = "steps, one learning rate each (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--min-lr", paramLabel = "LR", defaultValue = "1e-3", description = "first learning rate (default: ${DEFAULT-VALUE})")
    double minLr;

    @Option(names = "--max-lr", paramLabel = "LR", defaultValue = "1", description = "last learning rate (default: ${DEFAULT-VALUE})")
    double maxLr;

    @Option(names = "--out", paramLabel = "DIR", description = "where lr-find.csv and lr-find.png go (default: runs/lr-find-<preset or model>)")
    Path out;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Unmatched List<String> overrides = new ArrayList<>();

    @Override public Integer call() {
        LrFinder.check(steps, minLr, maxLr);
        Settings s = TrainCommand.resolveSettings(preset, data, overrides);
        // every setting checked before the data is read
        dev.nanolm.train.TrainConfig.from(s);
        dev.nanolm.optim.OptimConfig.from(s);
        dev.nanolm.models.ModelType.config(s, 1);
        Path dir = out != null ? out : Path.of("runs", "lr-find-" + (preset != null ? preset : s.str("model")));
        LoadedData ld = LoadedData.load(s);
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "lr-find: %s on %s, %d steps, lr %.3g -> %.3g (%s, batch %s)%n", s.str("model"), ld.ref().name(), steps, minLr, maxLr,
                s.str("optimizer"), s.str("batch-size"));
        w.flush();
        int every = Math.max(1, steps / 10);
        double[] window = {0};
        LrFinder.Result r = LrFinder.run(s, ld.data(), steps, minLr, maxLr, (step, total, lr, loss) -> {
            window[0] += loss;
            if (step % every == 0 || step == total) {
                int k = step % every == 0 ? every : step % every;
                w.printf(Locale.ROOT, "step %d/%d: lr %.4g, loss %.4f (mean of the last %d: %.4f)%n", step, total, lr, loss, k, window[0] / k);
                w.flush();
                window[0] = 0;
            }
        });
        if (r.stopped() != null) w.println("stopped early: " + r.stopped());
        Path csv = dir.resolve("lr-find.csv"), png = dir.resolve("lr-find.png");
        writeCsv(csv, r);
        try {
            Plots.write(chart(r, s.str("model") + (preset != null ? " (" + preset + ")" : "")), png, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double lrBest = r.lrs()[r.best()];
        w.printf(Locale.ROOT, "lowest smoothed loss %.4f at lr %.4g (log10 %.2f); within %.0f%% of it from lr %.4g to %.4g%n", r.smoothed()[r.best()],
                lrBest, Math.log10(lrBest), 100 * LrFinder.VALLEY, r.lrs()[r.valleyFrom()], r.lrs()[r.valleyTo()]);
        w.printf(Locale.ROOT, "suggested learning rate: %.3g (log10 %.2f; the middle of that valley on the log scale)%n", r.suggested(), Math.log10(r.suggested()));
        w.println("wrote " + csv + " and " + png);
        w.flush();
        return 0;
    }

    static void writeCsv(Path csv, LrFinder.Result r) {
        StringBuilder sb = new StringBuilder("step,lre,lr,loss,smoothed_loss\n");
        for (int i = 0; i < r.lrs().length; i++) {
            double sm = r.smoothed()[i];
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6g,%.6f,%s%n", i + 1, Math.log10(r.lrs()[i]), r.lrs()[i], r.losses()[i],
                    Double.isNaN(sm) ? "" : String.format(Locale.ROOT, "%.6f", sm)));
        }
        try {
            AtomicFiles.writeString(csv, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static XYChart chart(LrFinder.Result r, String what) {
        double[] x = r.log10Lrs();
        // the smoothed curve where its window fits
        List<double[]> smooth = new ArrayList<>();
        for (int i = 0; i < x.length; i++) if (!Double.isNaN(r.smoothed()[i])) smooth.add(new double[] {x[i], r.smoothed()[i]});
        double[] sx = smooth.stream().mapToDouble(p -> p[0]).toArray(), sy = smooth.stream().mapToDouble(p -> p[1]).toArray();
        double level = r.smoothed()[r.best()], sug = Math.log10(r.suggested());
        List<Plots.Series> series = List.of(
                new Plots.Series("loss per step", x, r.losses(), new Plots.Style(Plots.Hue.BLUE, true, false, true)),
                new Plots.Series("smoothed (moving average)", sx, sy, Plots.Style.train(Plots.Hue.BLUE)),
                new Plots.Series(String.format(Locale.ROOT, "valley: within %.0f%% of the lowest smoothed loss", 100 * LrFinder.VALLEY),
                        new double[] {x[r.valleyFrom()], x[r.valleyTo()]}, new double[] {level, level}, new Plots.Style(Plots.Hue.ORANGE, false, true, true)),
                new Plots.Series(String.format(Locale.ROOT, "suggested lr %.3g (log10 %.2f)", r.suggested(), sug),
                        new double[] {sug}, new double[] {level}, new Plots.Style(Plots.Hue.RED, false, true, false)));
        XYChart c = Plots.lines("learning-rate search: " + what, "log10(learning rate)", "loss", false, series);
        c.getSeriesMap().get(series.get(2).name()).setLineWidth(4f);
        Plots.verticalLine(c, sug);
        return c;
    }
}
