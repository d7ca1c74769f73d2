// `nanolm clean`'s pipeline: streams the records of a JSONL or text corpus through the rules in a fixed order
// (invalid JSON, no text, error page, ISBN tags, quality, duplicate, too short) and writes the kept ones in the same format.
package dev.nanolm.clean;

import dev.nanolm.clean.CleanConfig.Format;
import dev.nanolm.clean.CleanConfig.Records;
import dev.nanolm.clean.CleanReport.Rule;
import dev.nanolm.clean.RecordReader.Rec;
import dev.nanolm.data.DataException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public final class Cleaner {
    private final CleanConfig c;
    private final CleanReport report;
    private final SeenTexts seen;
    private List<String> firstFields; // of the first object without the text field, for the error when none has it

    private Cleaner(CleanConfig c) {
        this.c = c;
        this.report = new CleanReport(c.examples());
        this.seen = c.dedup() ? new SeenTexts() : null;
    }

    /** Reads `in` record by record and writes the kept records to `out` (UTF-8, \n line ends; not closed). */
    public static CleanReport clean(CleanConfig c, Path in, OutputStream out) throws IOException {
        Cleaner cl = new Cleaner(c);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        try (RecordReader r = new RecordReader(in, c.format(), c.records(), c.textField())) {
            for (Rec rec; (rec = r.next()) != null; ) {
                cl.report.recordsIn++;
                String text = cl.apply(rec);
                if (text == null) continue;
                cl.write(w, rec, text);
                cl.report.recordsOut++;
            }
        }
        cl.checkNotAllRejected(in);
        w.flush();
        if (cl.seen != null) {
            cl.report.distinctTexts = cl.seen.size();
            cl.report.dedupBytes = cl.seen.bytes();
        }
        return cl.report;
    }

    /**
     * Every record invalid or without the text field is a wrong --format or --text-field rather than a dirty corpus:
     * an error (thrown inside the atomic write, so no empty output replaces anything).
     */
    private void checkNotAllRejected(Path in) {
        long n = report.recordsIn;
        if (n > 0 && report.count(Rule.INVALID_JSON) == n)
            throw new DataException("no line of " + in + " is a JSON object (" + n + " lines)", "for plain text pass --format text");
        if (n > 0 && report.count(Rule.NO_TEXT) == n)
            throw new DataException("no record of " + in + " has a string field \"" + c.textField() + "\"; the first has " + firstFields,
                    "name the text field with --text-field");
    }

    /** The record's text after the rules, or null when a rule drops it (counted in the report). */
    private String apply(Rec rec) {
        if (rec.invalid() != null) return drop(Rule.INVALID_JSON, rec, rec.invalid());
        String text = rec.text();
        if (text == null) {
            if (firstFields == null) {
                firstFields = new ArrayList<>();
                rec.json().fieldNames().forEachRemaining(firstFields::add);
            }
            return drop(Rule.NO_TEXT, rec, "no string field \"" + c.textField() + "\" in " + CleanReport.snippet(rec.raw()));
        }
        if (c.errorPages()) {
            String phrase = ErrorPages.match(text, c.errorPageMaxChars());
            if (phrase != null) return drop(Rule.ERROR_PAGE, rec, "\"" + phrase + "\" in " + CleanReport.snippet(text));
        }
        if (c.stripIsbn()) {
            Isbn.Stripped s = Isbn.strip(text);
            if (!s.tags().isEmpty()) {
                report.count(Rule.ISBN, rec.line(), "removed " + String.join(", ", s.tags()));
                report.isbnTags += s.tags().size();
                // a tag alone on its line must not leave a blank line, which would split a paragraph record
                text = c.format() == Format.TEXT ? s.text().replaceAll("\n\\s*\n", "\n") : s.text();
            }
        }
        if (c.minQuality() != null && rec.json() != null) {
            switch (Quality.judge(c, rec.json())) {
                case DROP -> { return drop(Rule.QUALITY, rec, c.qualityField() + "=" + rec.json().get(c.qualityField()) + " " + CleanReport.snippet(text)); }
                case UNRATED -> report.qualityUnrated++;
                case KEEP -> { }
            }
        }
        if (seen != null && !seen.add(text)) return drop(Rule.DUPLICATE, rec, CleanReport.snippet(text));
        String core = text.strip();
        int chars = core.codePointCount(0, core.length());
        if (chars < Math.max(1, c.minChars())) return drop(Rule.TOO_SHORT, rec, chars + " characters: " + CleanReport.snippet(text));
        return text;
    }

    private String drop(Rule rule, Rec rec, String detail) {
        report.count(rule, rec.line(), detail);
        return null;
    }

    /** JSONL: the original line, or the object re-serialised when its text changed; text: paragraphs between blank lines. */
    private void write(Writer w, Rec rec, String text) throws IOException {
        if (c.format() == Format.JSONL) {
            if (text.equals(rec.text())) w.write(rec.raw());
            else w.write(RecordReader.JSON.writeValueAsString(rec.json().put(c.textField(), text)));
        } else {
            if (c.records() == Records.PARAGRAPHS && report.recordsOut > 0) w.write('\n');
            w.write(text);
        }
        w.write('\n');
    }
}
