// Recognises HTTP error pages that a crawler saved as text ("404 Not Found", "503 Service Unavailable", "Nie znaleziono
// strony"): anywhere in a short record, but in a long one only as a title (near the start of its first lines), so an
// article that mentions 404 stays.
package dev.nanolm.clean;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class ErrorPages {
    private ErrorPages() {}

    /** A long record is an error page only if the phrase starts within HEAD_CHARS characters of one of its first HEAD_LINES non-blank lines. */
    public static final int HEAD_LINES = 2, HEAD_CHARS = 40;
    private static final int LONGEST_PHRASE = 60;

    private static final Pattern PHRASES = Pattern.compile(String.join("|",
            // status code with its reason phrase: "404 Not Found", "503 - Service Unavailable"
            "\\b[45]\\d\\d\\s*[-–:]?\\s*(?:not found|forbidden|unauthori[sz]ed|bad request|gone|method not allowed|too many requests"
                    + "|internal server error|bad gateway|service (?:temporarily )?unavailable|gateway time-?out)",
            // "Error 404", "HTTP 500", "Błąd 404", "HTTP Error 503"
            "\\b(?:http\\s+)?(?:error|http|błąd|kod błędu)\\s*:?\\s*[45]\\d\\d\\b",
            "\\bpage not found\\b", "\\bpage (?:does not|doesn't) exist\\b", "\\baccess denied\\b", "\\bservice (?:temporarily )?unavailable\\b",
            "\\bnie znaleziono strony\\b", "\\bstrona nie (?:została )?znaleziona\\b", "\\bstrona nie istnieje\\b",
            "\\bbrak dostępu\\b", "\\bdostęp zabroniony\\b", "\\bodmowa dostępu\\b"),
            0); // matched against lower-cased text: case-insensitive matching of this many branches is several times slower

    // Each branch above needs one of these words; looking for them with indexOf first skips the pattern, which tries every
    // branch at every position, for most records (40 MB of text: 0.6 s instead of 8 s on a loaded machine).
    private static final List<String> CUES = List.of("not found", "forbidden", "unauthori", "bad request", "gone", "not allowed",
            "too many requests", "gateway", "unavailable", "error", "http", "błąd", "błęd", "page", "denied", "znaleziono",
            "strona nie", "dostęp");

    /** The error-page phrase found in the text (anywhere when at most maxChars long, else as a title), or null. */
    static String match(String text, int maxChars) {
        if (text.length() <= maxChars) return find(text, Integer.MAX_VALUE);
        int from = 0;
        for (int lines = 0; lines < HEAD_LINES && from < text.length(); ) {
            int nl = text.indexOf('\n', from), end = nl < 0 ? text.length() : nl;
            String line = text.substring(from, Math.min(end, from + HEAD_CHARS + LONGEST_PHRASE));
            if (!line.isBlank()) {
                String found = find(line.stripLeading(), HEAD_CHARS);
                if (found != null) return found;
                lines++;
            }
            if (nl < 0) break;
            from = nl + 1;
        }
        return null;
    }

    /** The first phrase in s if it starts before startBefore, else null. */
    private static String find(String s, int startBefore) {
        String lower = s.toLowerCase(Locale.ROOT);
        if (CUES.stream().noneMatch(lower::contains)) return null;
        Matcher m = PHRASES.matcher(lower);
        if (!m.find() || m.start() >= startBefore) return null;
        // the phrase as written, unless lower-casing changed the length (a few letters such as 'İ' become two chars)
        return lower.length() == s.length() ? s.substring(m.start(), m.end()) : m.group();
    }
}
