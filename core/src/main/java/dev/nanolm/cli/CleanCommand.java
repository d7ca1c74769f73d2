// `nanolm clean`: drops error pages, low-quality, duplicate and too-short records from a web-scraped JSONL or text
// corpus and strips ISBN tags, streaming it into a new file written atomically, with a report per rule.
package dev.nanolm.cli;

import dev.nanolm.checkpoint.AtomicFiles;
import dev.nanolm.clean.CleanConfig;
import dev.nanolm.clean.CleanConfig.Format;
import dev.nanolm.clean.CleanConfig.Records;
import dev.nanolm.clean.CleanReport;
import dev.nanolm.clean.Cleaner;
import dev.nanolm.clean.ErrorPages;
import dev.nanolm.clean.RecordReader;
import dev.nanolm.config.ConfigException;
import dev.nanolm.data.DataException;
import dev.nanolm.train.RunDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "clean", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Clean a web-scraped corpus (JSONL or plain text), streamed into a new file of",
                "the same format. The rules, in this order:",
                "  1. invalid JSON lines and objects without the text field are dropped",
                "  2. error pages (\"404 Not Found\", \"Access denied\", \"Nie znaleziono strony\"...)",
                "     are dropped: the phrase anywhere in a short record; in a long one only as",
                "     a title, near the start of one of its first lines",
                "  3. ISBN tags are removed from the text (the record is kept)",
                "  4. records whose quality field is below --min-quality are dropped",
                "  5. duplicates (same text after lower-casing and collapsing whitespace) are",
                "     dropped; each distinct text costs a 128-bit hash (20-45 bytes of heap)",
                "  6. records shorter than --min-chars are dropped"})
public final class CleanCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "the corpus: JSONL (one object per line) or UTF-8 text")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the cleaned corpus, same format (written atomically)")
    Path out;

    @Option(names = "--format", paramLabel = "auto|jsonl|text", defaultValue = "auto",
            description = "auto: JSONL for .jsonl/.ndjson, text for .txt, else JSONL when the file starts with '{' (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--records", paramLabel = "paragraphs|lines", defaultValue = "paragraphs",
            description = "text input: records separated by blank lines, or one per line (default: ${DEFAULT-VALUE})")
    Records records;

    @Option(names = "--text-field", paramLabel = "NAME", defaultValue = "text", description = "JSONL field holding the text (default: ${DEFAULT-VALUE})")
    String textField;

    @Option(names = "--error-pages", arity = "1", paramLabel = "true|false", defaultValue = "true", description = "drop HTTP error pages (default: ${DEFAULT-VALUE})")
    boolean errorPages;

    @Option(names = "--error-page-max-chars", paramLabel = "N", defaultValue = "500",
            description = "records up to N characters are searched whole for error-page phrases, in longer ones the phrase must start within " + ErrorPages.HEAD_CHARS + " characters of one of the first " + ErrorPages.HEAD_LINES + " lines (default: ${DEFAULT-VALUE})")
    int errorPageMaxChars;

    @Option(names = "--strip-isbn", arity = "1", paramLabel = "true|false", defaultValue = "true", description = "remove ISBN tags from the text (default: ${DEFAULT-VALUE})")
    boolean stripIsbn;

    @Option(names = "--quality-field", paramLabel = "NAME", defaultValue = "quality_ai", description = "JSONL field holding a quality level or score (default: ${DEFAULT-VALUE})")
    String qualityField;

    @Option(names = "--min-quality", paramLabel = "LEVEL|NUMBER",
            description = "drop records whose quality is below this level of --quality-levels, or below this number for a numeric field (default: off)")
    String minQuality;

    @Option(names = "--quality-levels", paramLabel = "LEVEL", split = ",", defaultValue = "LOW,MEDIUM,HIGH",
            description = "quality levels from worst to best, compared ignoring case (default: ${DEFAULT-VALUE})")
    List<String> qualityLevels;

    @Option(names = "--dedup", arity = "1", paramLabel = "true|false", defaultValue = "true", description = "drop exact duplicates after case and whitespace normalisation (default: ${DEFAULT-VALUE})")
    boolean dedup;

    @Option(names = "--min-chars", paramLabel = "N", defaultValue = "200", description = "drop records shorter than N characters after the other rules; 0 keeps all but empty ones (default: ${DEFAULT-VALUE})")
    int minChars;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "2", description = "examples per rule in the report (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--report", paramLabel = "FILE", description = "also write the report as JSON")
    Path reportFile;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override public Integer call() throws IOException {
        if (Files.isDirectory(in)) throw new DataException(in + " is a directory, not a corpus file", "pass a .jsonl or text file");
        if (!Files.isRegularFile(in)) throw new DataException("no such file: " + in, "check the --in path");
        if (Files.size(in) == 0) throw new DataException(in + " is empty", "pass a file that holds some records");
        if (same(in, out)) throw new ConfigException("--out " + out + " is the input file", "write the cleaned corpus to another file, e.g. --out cleaned.jsonl");
        if (reportFile != null && (same(reportFile, in) || same(reportFile, out)))
            throw new ConfigException("--report " + reportFile + " is the input or output file", "use another name, e.g. --report clean-report.json");
        if (Files.isDirectory(out)) throw new ConfigException("--out " + out + " is a directory", "pass a file name, e.g. --out " + out.resolve("cleaned.jsonl"));
        // checked before the corpus is written, so a bad --report does not fail after the cleaned file exists
        if (reportFile != null && Files.isDirectory(reportFile))
            throw new ConfigException("--report " + reportFile + " is a directory", "pass a file name, e.g. --report " + reportFile.resolve("clean-report.json"));
        Format f = format == Format.AUTO ? RecordReader.detect(in) : format;
        CleanConfig c = new CleanConfig(f, records, textField, errorPages, errorPageMaxChars, stripIsbn, qualityField, minQuality,
                qualityLevels, dedup, minChars, examples);

        CleanReport[] report = new CleanReport[1];
        AtomicFiles.write(out, os -> report[0] = Cleaner.clean(c, in, os));
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf("cleaned %s (%s) into %s%n", in, f.name().toLowerCase(java.util.Locale.ROOT), out);
        report[0].print(pw);
        if (reportFile != null) {
            AtomicFiles.writeString(reportFile, RunDir.JSON.writeValueAsString(report[0].toMap()) + "\n");
            pw.println("report: " + reportFile);
        }
        pw.flush();
        return 0;
    }

    /** The same file, also through a different spelling of its path or a link. */
    private static boolean same(Path a, Path b) throws IOException {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
        return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    }
}
