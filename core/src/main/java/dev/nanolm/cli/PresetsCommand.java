// `nanolm presets`: list the bundled presets, or show one preset's settings.
package dev.nanolm.cli;

import dev.nanolm.config.Presets;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "presets", mixinStandardHelpOptions = true, description = "List the bundled presets, or show the settings of one.")
public final class PresetsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "a preset to show in full")
    String name;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (name != null) {
            Presets.Preset p = Presets.load(name);
            out.println("# " + p.name() + ": " + p.description());
            p.values().forEach((k, v) -> out.printf("--%s %s%n", k, v));
        } else {
            for (String n : Presets.names()) out.printf("%-20s %s%n", n, Presets.load(n).description());
        }
        out.flush();
        return 0;
    }
}
