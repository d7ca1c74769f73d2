// `nanolm datasets`: the dataset catalog and where each dataset resolves on this machine.
package dev.nanolm.cli;

import dev.nanolm.data.Catalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = {"List the named datasets and where they resolve: $NANOLM_DATA, then the user cache, then a download checked by SHA-256."})
public final class DatasetsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s %-15s %-60s %s%n", "name", "kind", "description", "where");
        for (Catalog.Listing l : new Catalog().list())
            out.printf("%-12s %-15s %-60s %s%n", l.name(), l.kind().toString().toLowerCase(), l.description(), l.where());
        out.flush();
        return 0;
    }
}
