// The quality rule: a record whose quality field is below --min-quality is dropped. Levels compare by their position in
// --quality-levels (LOW,MEDIUM,HIGH); a numeric threshold compares a numeric field (or a number written as a string).
package dev.nanolm.clean;

import com.fasterxml.jackson.databind.JsonNode;

final class Quality {
    private Quality() {}

    /** UNRATED: the field is missing or holds a value that is neither a known level nor (for a numeric threshold) a number; kept. */
    enum Verdict { KEEP, DROP, UNRATED }

    static Verdict judge(CleanConfig c, JsonNode record) {
        JsonNode v = record.get(c.qualityField());
        if (v == null || v.isNull()) return Verdict.UNRATED;
        Double threshold = c.numericThreshold();
        if (threshold != null) {
            Double x = v.isNumber() ? Double.valueOf(v.asDouble()) : v.isTextual() ? CleanConfig.number(v.asText()) : null;
            if (x == null) return Verdict.UNRATED;
            return x < threshold ? Verdict.DROP : Verdict.KEEP;
        }
        if (!v.isTextual()) return Verdict.UNRATED;
        int level = c.levelIndex(v.asText());
        if (level < 0) return Verdict.UNRATED;
        return level < c.levelIndex(c.minQuality()) ? Verdict.DROP : Verdict.KEEP;
    }
}
