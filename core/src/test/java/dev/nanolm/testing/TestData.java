// Finds the shared datasets for tests: $NANOLM_DATA, else a shared/data folder beside the repository.
package dev.nanolm.testing;

import java.nio.file.Files;
import java.nio.file.Path;

public final class TestData {
    public static Path dir() {
        String env = System.getenv("NANOLM_DATA");
        if (env != null && Files.isDirectory(Path.of(env))) return Path.of(env).toAbsolutePath();
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolveSibling("shared").resolve("data");
            if (Files.isRegularFile(c.resolve("names.txt"))) return c;
        }
        throw new IllegalStateException("shared datasets not found: set NANOLM_DATA=../shared/data");
    }

    public static Path file(String name) { return dir().resolve(name); }

    private TestData() {}
}
