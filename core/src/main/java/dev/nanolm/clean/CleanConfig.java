// The settings of one `nanolm clean` run: input format and the options of each rule, validated here so that a bad
// combination fails before the first byte is read.
package dev.nanolm.clean;

import dev.nanolm.config.ConfigException;
import java.util.List;
import java.util.Locale;

/**
 * @param format        JSONL or TEXT (AUTO is resolved from the file before this record is built)
 * @param records       for TEXT: records separated by blank lines (PARAGRAPHS) or one per line (LINES)
 * @param textField     the JSONL field holding the text
 * @param errorPages    drop records that look like HTTP error pages
 * @param errorPageMaxChars records up to this many characters are searched whole for error-page phrases; longer ones
 *                      only in their head (first lines), so a long article that mentions "404" is kept
 * @param stripIsbn     remove ISBN tags from the text (the record is kept)
 * @param qualityField  the JSONL field holding a quality level or score
 * @param minQuality    null (rule off), a level from qualityLevels, or a number (the field must then be a number)
 * @param qualityLevels the levels from worst to best
 * @param dedup         drop records whose normalised text was seen before
 * @param minChars      drop records shorter than this (characters, after the other rules; 0 = off)
 * @param examples      how many examples per rule the report keeps
 */
public record CleanConfig(Format format, Records records, String textField, boolean errorPages, int errorPageMaxChars,
                          boolean stripIsbn, String qualityField, String minQuality, List<String> qualityLevels,
                          boolean dedup, int minChars, int examples) {

    public enum Format { AUTO, JSONL, TEXT }
    public enum Records { PARAGRAPHS, LINES }

    public CleanConfig {
        if (format == null || format == Format.AUTO) throw new IllegalArgumentException("format must be resolved, got " + format);
        if (records == null) records = Records.PARAGRAPHS;
        if (textField == null || textField.isBlank()) throw new ConfigException("--text-field must name a field", "use --text-field text");
        if (errorPageMaxChars < 0) throw new ConfigException("--error-page-max-chars must be 0 or more, got " + errorPageMaxChars, "use --error-page-max-chars 500");
        if (minChars < 0) throw new ConfigException("--min-chars must be 0 or more, got " + minChars, "use --min-chars 200, or 0 to keep short records");
        if (examples < 0) throw new ConfigException("--examples must be 0 or more, got " + examples, "use --examples 2");
        qualityLevels = List.copyOf(qualityLevels.stream().map(String::strip).toList());
        if (qualityLevels.isEmpty() || qualityLevels.stream().anyMatch(String::isEmpty)
                || qualityLevels.stream().map(l -> l.toUpperCase(Locale.ROOT)).distinct().count() != qualityLevels.size())
            throw new ConfigException("--quality-levels must list distinct, non-empty levels, got " + qualityLevels, "use --quality-levels LOW,MEDIUM,HIGH (worst first)");
        if (minQuality != null) {
            minQuality = minQuality.strip();
            if (format == Format.TEXT)
                throw new ConfigException("--min-quality needs JSONL input (plain text has no quality field)", "drop --min-quality, or pass a .jsonl file / --format jsonl");
            if (qualityField == null || qualityField.isBlank())
                throw new ConfigException("--quality-field must name a field", "use --quality-field quality_ai");
            if (number(minQuality) == null && indexOf(qualityLevels, minQuality) < 0)
                throw new ConfigException("--min-quality " + minQuality + " is neither a number nor one of --quality-levels " + String.join(",", qualityLevels),
                        "use --min-quality " + qualityLevels.get(Math.min(1, qualityLevels.size() - 1)) + " or a number such as 0.5");
        }
    }

    /** minQuality as a number, or null when it is a level name (or unset). */
    public Double numericThreshold() { return minQuality == null ? null : number(minQuality); }

    /** The position of a level in qualityLevels, ignoring case; -1 when it is not one of them. */
    public int levelIndex(String level) { return indexOf(qualityLevels, level); }

    /** A finite number written as text, or null (also used for a quality field that holds a number as a string). */
    static Double number(String s) {
        try {
            double d = Double.parseDouble(s.strip());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int indexOf(List<String> levels, String level) {
        for (int i = 0; i < levels.size(); i++) if (levels.get(i).equalsIgnoreCase(level.strip())) return i;
        return -1;
    }
}
