// `nanolm --version`: nanolm's version, the JVM and the kernels in use.
package dev.nanolm.cli;

import dev.nanolm.kernels.Kernels;
import dev.nanolm.train.Version;
import picocli.CommandLine.IVersionProvider;

public final class VersionProvider implements IVersionProvider {
    @Override public String[] getVersion() {
        return new String[] {"nanolm " + Version.VERSION,
                "JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version(),
                "kernels: " + Kernels.get().name()};
    }
}
