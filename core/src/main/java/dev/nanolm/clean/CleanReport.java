// What a `nanolm clean` run did: records in and out, per rule how many were dropped (or changed, for ISBN tags) with the
// first examples, printed for the user and written as JSON with --report.
package dev.nanolm.clean;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class CleanReport {
    /** The rules in the order they are applied; a record leaves at the first rule that drops it. */
    public enum Rule {
        INVALID_JSON("invalid_json", "dropped"),
        NO_TEXT("no_text", "dropped"),
        ERROR_PAGE("error_page", "dropped"),
        ISBN("isbn", "changed"),
        QUALITY("quality", "dropped"),
        DUPLICATE("duplicate", "dropped"),
        TOO_SHORT("too_short", "dropped");

        public final String key, effect;

        Rule(String key, String effect) {
            this.key = key;
            this.effect = effect;
        }
    }

    /** How many line numbers of invalid JSON lines the report lists. */
    static final int INVALID_LINES = 10;
    private static final int SNIPPET = 60;

    long recordsIn, recordsOut, isbnTags, qualityUnrated, distinctTexts, dedupBytes;
    private final long[] counts = new long[Rule.values().length];
    private final List<List<String>> examples = new ArrayList<>();
    private final List<Long> invalidLines = new ArrayList<>();
    private final int maxExamples;

    CleanReport(int maxExamples) {
        this.maxExamples = maxExamples;
        for (Rule ignored : Rule.values()) examples.add(new ArrayList<>());
    }

    /** Counts one record under a rule, keeping "line N: detail" as an example while there are fewer than maxExamples. */
    void count(Rule rule, long line, String detail) {
        counts[rule.ordinal()]++;
        if (rule == Rule.INVALID_JSON && invalidLines.size() < INVALID_LINES) invalidLines.add(line);
        List<String> ex = examples.get(rule.ordinal());
        if (ex.size() < maxExamples) ex.add("line " + line + ": " + detail);
    }

    public long count(Rule rule) { return counts[rule.ordinal()]; }
    public long recordsIn() { return recordsIn; }
    public long recordsOut() { return recordsOut; }
    public long qualityUnrated() { return qualityUnrated; }
    public List<Long> invalidLines() { return List.copyOf(invalidLines); }
    public List<String> examples(Rule rule) { return List.copyOf(examples.get(rule.ordinal())); }

    /** The text quoted on one line, cut to about 60 characters. */
    static String snippet(String text) {
        String s = text.strip().replaceAll("\\s+", " ");
        if (s.length() > SNIPPET) s = s.substring(0, Character.isHighSurrogate(s.charAt(SNIPPET - 1)) ? SNIPPET - 1 : SNIPPET) + "…";
        return "\"" + s + "\"";
    }

    /** The report as JSON-ready maps, rules in the order they are applied. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("records_in", recordsIn);
        m.put("records_out", recordsOut);
        Map<String, Object> rules = new LinkedHashMap<>();
        for (Rule r : Rule.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put(r.effect, counts[r.ordinal()]);
            if (r == Rule.ISBN) e.put("tags_removed", isbnTags);
            if (r == Rule.INVALID_JSON) e.put("first_lines", invalidLines);
            if (r == Rule.QUALITY) e.put("unrated_kept", qualityUnrated);
            e.put("examples", examples.get(r.ordinal()));
            rules.put(r.key, e);
        }
        m.put("rules", rules);
        m.put("distinct_texts", distinctTexts);
        m.put("dedup_table_bytes", dedupBytes);
        return m;
    }

    public void print(PrintWriter out) {
        out.printf("records in: %,d, out: %,d (%.1f%% kept)%n", recordsIn, recordsOut, recordsIn == 0 ? 0.0 : 100.0 * recordsOut / recordsIn);
        for (Rule r : Rule.values()) {
            long n = counts[r.ordinal()];
            String extra = r == Rule.ISBN && n > 0 ? String.format(" (%,d tag%s removed)", isbnTags, isbnTags == 1 ? "" : "s")
                    : r == Rule.QUALITY && qualityUnrated > 0 ? String.format(" (%,d without a known level kept)", qualityUnrated)
                    : r == Rule.INVALID_JSON && n > 0 ? " at lines " + invalidLines.toString().replaceAll("[\\[\\]]", "") + (n > invalidLines.size() ? ", ..." : "")
                    : "";
            out.printf("  %-13s %s %,d%s%n", r.key, r.effect, n, extra);
            for (String e : examples.get(r.ordinal())) out.println("      " + e);
        }
        if (dedupBytes > 0) out.printf("dedup: %,d distinct texts, hash table %,d KiB%n", distinctTexts, dedupBytes / 1024);
        out.flush();
    }
}
