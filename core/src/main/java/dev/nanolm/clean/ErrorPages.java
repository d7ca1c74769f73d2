// Recognises HTTP error pages that a crawler saved as text ("404 Not Found", "503 Service Unavailable", "Nie znaleziono
// strony"): searched in the whole of a short record but only in the head of a long one, so an article mentioning 404 stays.
package dev.nanolm.clean;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class ErrorPages {
    private ErrorPages() {}

    /** A long record is an error page only if the phrase is in its first lines, within this many characters. */
    public static final int HEAD_LINES = 2, HEAD_CHARS = 120;

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

    /** The error-page phrase found in the text (whole when at most maxChars long, else its head), or null. */
    static String match(String text, int maxChars) {
        String searched = text.length() <= maxChars ? text : head(text);
        String lower = searched.toLowerCase(Locale.ROOT);
        if (CUES.stream().noneMatch(lower::contains)) return null;
        Matcher m = PHRASES.matcher(lower);
        if (!m.find()) return null;
        // the phrase as written, unless lower-casing changed the length (a few letters such as 'İ' become two chars)
        return lower.length() == searched.length() ? searched.substring(m.start(), m.end()) : m.group();
    }

    /** The first HEAD_LINES lines, at most HEAD_CHARS characters. */
    static String head(String text) {
        int end = Math.min(text.length(), HEAD_CHARS), nl = -1;
        for (int i = 0; i < HEAD_LINES; i++) {
            nl = text.indexOf('\n', nl + 1);
            if (nl < 0) break;
        }
        return text.substring(0, nl < 0 ? end : Math.min(end, nl));
    }
}
