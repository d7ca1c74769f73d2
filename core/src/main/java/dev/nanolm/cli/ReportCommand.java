// `nanolm report --run DIR`: the run as report.html (self-contained) and report.md in its directory.
package dev.nanolm.cli;

import dev.nanolm.report.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write DIR/report.html (one self-contained page: summary, timings, plots, samples over training",
                "beside the true continuation, config) and DIR/report.md (the same, plots linked)."})
public final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", required = true, description = "a run directory (the --out of `train`)")
    Path run;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override public Integer call() throws IOException {
        RunReport.write(run);
        var out = spec.commandLine().getOut();
        out.println("wrote " + run.resolve("report.html") + " and " + run.resolve("report.md"));
        out.flush();
        return 0;
    }
}
