// Turns exceptions into `error: <what> (hint: <how to fix>)` on stderr and an exit code; a stack trace
// only with --debug (or NANOLM_DEBUG=1).
package dev.nanolm.cli;

import dev.nanolm.checkpoint.CheckpointException;
import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Strings;
import dev.nanolm.data.DataException;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.train.NonFiniteLossException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

final class Errors {
    static final int DATA = 1, USAGE = 2;

    static int onUsageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String hint = "see `nanolm help " + commandPath(cmd) + "`";
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> suggestions = new ArrayList<>(u.getSuggestions());
            String word = u.getUnmatched().isEmpty() ? "-" : u.getUnmatched().get(0);
            if (!word.startsWith("-") && !cmd.getSubcommands().isEmpty()) {
                // picocli's bigram similarity ties "trian" with "clean" and can leave out "train"; edit distance puts it first
                String nearest = Strings.nearest(word, cmd.getSubcommands().keySet());
                if (!suggestions.isEmpty() || Strings.levenshtein(word, nearest) <= 2) {
                    suggestions.remove(nearest);
                    suggestions.add(0, nearest);
                }
            }
            if (!suggestions.isEmpty()) hint = "did you mean " + String.join(" or ", suggestions) + "? " + hint;
        }
        print(err, ex.getMessage(), hint);
        return USAGE;
    }

    static int onExecutionError(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        int code;
        Throwable t = ex;
        String ioWhat = null; // "cannot write X": the file an UncheckedIOException names, which its cause may not
        if (t instanceof UncheckedIOException u && u.getCause() != null) { ioWhat = u.getMessage(); t = u.getCause(); }
        if (t instanceof ConfigException c) { print(err, c.getMessage(), c.hint()); code = USAGE; }
        else if (t instanceof ShapeException s) { print(err, s.getMessage(), "check the model sizes (--n-embd, --block-size, ...)"); code = USAGE; }
        else if (t instanceof DataException d) { print(err, d.getMessage(), d.hint()); code = DATA; }
        else if (t instanceof CheckpointException c) { print(err, c.getMessage(), c.hint()); code = DATA; }
        else if (t instanceof NonFiniteLossException n) { print(err, n.getMessage(), n.hint()); code = DATA; }
        else if (t instanceof IOException io) { print(err, "I/O failure: " + (ioWhat != null && !ioWhat.equals(io.toString()) ? ioWhat + " (" + io.getMessage() + ")" : io.getMessage()), "check the path, permissions and free disk space"); code = DATA; }
        else if (t instanceof OutOfMemoryError) { printOutOfMemory(err); code = DATA; }
        else if (t instanceof IllegalArgumentException ia) { print(err, ia.getMessage(), "check the command's options with `nanolm help " + commandPath(cmd) + "`"); code = USAGE; }
        else { print(err, "internal error: " + t, "rerun with --debug and report it"); code = DATA; }
        if (debug(parsed)) ex.printStackTrace(err);
        err.flush();
        return code;
    }

    /** An OutOfMemoryError that left the command (picocli passes only Exceptions to onExecutionError). */
    static int onOutOfMemory(CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        printOutOfMemory(err);
        err.flush();
        return DATA;
    }

    static String oneLine(String s) { return s.replaceAll("\\s*\\R\\s*", " "); }

    private static void printOutOfMemory(PrintWriter err) {
        // twice the heap this JVM had (the launcher's default is 8g)
        long doubled = Math.max(2, 2 * Math.round(Runtime.getRuntime().maxMemory() / (double) (1L << 30)));
        print(err, "out of memory", "use a smaller --batch-size or model, or give Java more heap: NANOLM_HEAP=" + doubled + "g bin/nanolm ...");
    }

    static void print(PrintWriter err, String what, String hint) {
        // one line whatever a message holds (a parser's message can carry its own line break)
        err.println(oneLine("error: " + what + (hint == null || hint.isEmpty() ? "" : " (hint: " + hint + ")")));
        err.flush();
    }

    private static boolean debug(ParseResult parsed) {
        if ("1".equals(System.getenv("NANOLM_DEBUG"))) return true;
        for (ParseResult p = parsed; p != null; p = p.subcommand())
            if (p.hasMatchedOption("--debug")) return true;
        return false;
    }

    private static String commandPath(CommandLine cmd) {
        String q = cmd.getCommandSpec().qualifiedName(" ");
        return q.startsWith("nanolm ") ? q.substring(7) : "";
    }

    private Errors() {}
}
