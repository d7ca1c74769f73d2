// nanolm's command line: picocli commands; the only place that prints errors and chooses exit codes
// (0 ok, 1 runtime/data failure, 2 usage error).
package dev.nanolm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "nanolm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Build, train, evaluate and sample small language models on a CPU, in pure Java.",
        subcommands = {TrainCommand.class, SampleCommand.class, EvalCommand.class, PresetsCommand.class, DatasetsCommand.class,
                LrFindCommand.class, EmbeddingsCommand.class, SweepCommand.class, ReportCommand.class, CompareCommand.class, TokenizerCommand.class, TokenizeCommand.class, ClassifyCommand.class, CleanCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Run `nanolm help <command>` for the options of a command."})
public final class Main implements Runnable {

    @Override public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this in-process or through a child JVM). */
    public static int run(String... args) {
        return run(null, null, args);
    }

    /** Same, with the command's output and error streams given (null = System.out / System.err). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        if (out != null) cl.setOut(out);
        if (err != null) cl.setErr(err);
        cl.setParameterExceptionHandler(Errors::onUsageError);
        cl.setExecutionExceptionHandler(Errors::onExecutionError);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.getSubcommands().get("train").getCommandSpec().usageMessage().footer(TrainCommand.settingsHelp());
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the execution handler: an Error would end in a stack trace
            return Errors.onOutOfMemory(cl);
        }
    }
}
