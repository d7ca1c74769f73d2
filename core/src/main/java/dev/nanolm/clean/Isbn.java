// Removes ISBN tags ("ISBN 978-83-240-1234-5", "ISBN-10: 0-306-40615-2", "[ISBN ...]") from a record's text: catalogue
// noise that a language model would otherwise learn to recite. The surrounding text is kept.
package dev.nanolm.clean;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Isbn {
    private Isbn() {}

    private static final Pattern TAG = Pattern.compile(
            "[ \\t]*(?:\\[\\s*ISBN[^\\]\\n]{0,40}\\]|\\(\\s*ISBN[^)\\n]{0,40}\\)"
                    // 10 or 13 digits (the last may be X), with hyphens or single spaces between them
                    + "|\\bISBN(?:-1[03])?\\s*:?\\s*(?:97[89][- ]?)?(?:\\d[- ]?){9}[\\dX](?![\\dX]))",
            Pattern.CASE_INSENSITIVE);

    /** The text without its ISBN tags, and the tags removed (empty when there were none: then text is the input). */
    record Stripped(String text, List<String> tags) {}

    static Stripped strip(String text) {
        if (!mentionsIsbn(text)) return new Stripped(text, List.of()); // the common case, without the regex
        Matcher m = TAG.matcher(text);
        if (!m.find()) return new Stripped(text, List.of());
        List<String> tags = new ArrayList<>();
        StringBuilder sb = new StringBuilder(text.length());
        int last = 0;
        do {
            sb.append(text, last, m.start());
            tags.add(m.group().strip());
            last = m.end();
        } while (m.find());
        sb.append(text, last, text.length());
        return new Stripped(sb.toString().strip(), tags);
    }

    private static boolean mentionsIsbn(String text) {
        for (int i = 0; i + 4 <= text.length(); i++)
            if ((text.charAt(i) | 0x20) == 'i' && text.regionMatches(true, i, "isbn", 0, 4)) return true;
        return false;
    }
}
