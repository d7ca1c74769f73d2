// Reads CSV/TSV classification files with Apache Commons CSV (quotes, doubled quotes, line breaks inside fields):
// a label column and one or more text columns joined by a space. Bad rows are DataExceptions naming the line.
package dev.nanolm.classify;

import dev.nanolm.data.DataException;
import dev.nanolm.data.TextFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

public final class CsvTexts {
    /** Which columns to read (1-based, as users count them) and whether the first row is a header. */
    public record Columns(int labelCol, int[] textCols, boolean header) {
        public Columns {
            if (labelCol < 1) throw new IllegalArgumentException("--label-col counts from 1, got " + labelCol);
            if (textCols.length == 0) throw new IllegalArgumentException("--text-cols names no column");
            for (int c : textCols) if (c < 1) throw new IllegalArgumentException("--text-cols count from 1, got " + c);
        }

        /** AG News: label, title, description; no header. */
        public static Columns agNews() { return new Columns(1, new int[] {1 + 1, 3}, false); }

        int maxCol() {
            int m = labelCol;
            for (int c : textCols) m = Math.max(m, c);
            return m;
        }
    }

    /** One parsed row before labels become class indices: its line, label text and joined text. */
    record Row(long line, String label, String text) {}

    /**
     * Reads file; classes == null derives the classes from the labels (sorted, numerically when all are integers),
     * otherwise a label must be a class name or its 1-based number (AG News writes "1".."4").
     */
    public static LabeledTexts read(Path file, Columns cols, List<String> classes) {
        String text = TextFiles.readUtf8(file); // refuses binary and non-UTF-8 files with the byte offset
        return parse(text, file.toString(), cols, classes, file.toString().toLowerCase().endsWith(".tsv"));
    }

    /** As read, from text (tsv: tab-separated). */
    public static LabeledTexts parse(String text, String source, Columns cols, List<String> classes, boolean tsv) {
        List<Row> rows = rows(text, source, cols, tsv);
        if (rows.isEmpty()) throw new DataException(source + " has no data rows", "pass a CSV file with one labelled text per row");
        List<String> cls = classes != null ? classes : deriveClasses(rows);
        Map<String, Integer> byName = new LinkedHashMap<>();
        for (int i = 0; i < cls.size(); i++) byName.put(cls.get(i), i);
        String[] texts = new String[rows.size()];
        int[] labels = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Integer y = byName.get(r.label());
            if (y == null && classes != null) y = asIndex(r.label(), cls.size());
            if (y == null)
                throw new DataException(source + " line " + r.line() + ": label '" + r.label() + "' is not one of the "
                        + cls.size() + " classes " + cls + (classes != null ? " nor 1.." + cls.size() : ""),
                        "fix the row, or check --label-col (now " + cols.labelCol() + ")");
            texts[i] = r.text();
            labels[i] = y;
        }
        return new LabeledTexts(texts, labels, List.copyOf(cls), source);
    }

    private static Integer asIndex(String label, int n) {
        try {
            int k = Integer.parseInt(label.trim());
            return k >= 1 && k <= n ? k - 1 : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<String> deriveClasses(List<Row> rows) {
        TreeSet<String> set = new TreeSet<>();
        for (Row r : rows) set.add(r.label());
        List<String> out = new ArrayList<>(set);
        if (out.stream().allMatch(s -> s.matches("-?[0-9]{1,9}"))) out.sort((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        return out;
    }

    private static List<Row> rows(String text, String source, Columns cols, boolean tsv) {
        CSVFormat fmt = (tsv ? CSVFormat.TDF : CSVFormat.RFC4180).builder().setIgnoreEmptyLines(true).build();
        List<Row> out = new ArrayList<>();
        int expected = -1;
        long line = 1;
        try (CSVParser p = CSVParser.parse(new StringReader(text), fmt)) {
            var it = p.iterator();
            boolean first = true;
            while (true) {
                long startLine = line;
                CSVRecord rec;
                try {
                    if (!it.hasNext()) break;
                    rec = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw new DataException(source + " line " + startLine + ": malformed CSV (" + rootMessage(e) + ")",
                            "check the quotes on that line: a quoted field must end with a quote, and a quote inside one is written twice");
                }
                line = p.getCurrentLineNumber() + 1;
                if (rec.size() == 1 && rec.get(0).isBlank()) continue;
                if (expected < 0) {
                    expected = rec.size();
                    if (expected < cols.maxCol())
                        throw new DataException(source + " line " + startLine + " has " + expected + " columns but --label-col/--text-cols name column " + cols.maxCol(),
                                "check --label-col and --text-cols (columns count from 1)" + (tsv ? "" : "; a tab-separated file should end in .tsv"));
                } else if (rec.size() != expected)
                    throw new DataException(source + " line " + startLine + " has " + rec.size() + " columns, the first row has " + expected,
                            "fix that row (a comma inside a field needs the field in double quotes)");
                if (first && cols.header()) { first = false; continue; }
                first = false;
                StringBuilder sb = new StringBuilder();
                for (int c : cols.textCols()) {
                    if (sb.length() > 0) sb.append(' ');
                    sb.append(unescape(rec.get(c - 1)));
                }
                out.add(new Row(startLine, rec.get(cols.labelCol() - 1).trim(), sb.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        return out;
    }

    /**
     * Line breaks written with backslashes become spaces. AG News marks a break with a lone backslash: its\nuclear is
     * "its nuclear" (every backslash-n in its files starts a word with n), so a backslash-n followed by a lowercase
     * letter keeps the n; otherwise (\nThe, or at the end) it is an escaped line break and the n goes too.
     */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') { sb.append(c); continue; }
            while (i + 1 < s.length() && s.charAt(i + 1) == '\\') i++; // a run of backslashes is one break
            boolean escape = i + 1 < s.length() && s.charAt(i + 1) == 'n'
                    && !(i + 2 < s.length() && Character.isLowerCase(s.charAt(i + 2)));
            if (escape) i++;
            sb.append(' ');
        }
        return sb.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }

    private CsvTexts() {}
}
