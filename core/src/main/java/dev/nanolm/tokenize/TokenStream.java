// Streams sampled tokens as text: byte-level tokens can end in the middle of a character, so bytes are held
// back until they complete one (printing token by token would show U+FFFD for every split character).
package dev.nanolm.tokenize;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

public final class TokenStream {
    private final Tokenizer tok;
    private final CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(64);

    public TokenStream(Tokenizer tok) { this.tok = tok; }

    /** The text completed by this token (often empty for a partial character). */
    public String push(int id) {
        byte[] b = tok.tokenBytes(id);
        if (pending.remaining() < b.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + b.length));
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        pending.put(b);
        return drain(false);
    }

    /** What is left at the end (an incomplete character becomes U+FFFD). */
    public String finish() {
        String s = drain(true);
        dec.reset();
        return s;
    }

    private String drain(boolean end) {
        pending.flip();
        CharBuffer out = CharBuffer.allocate(pending.remaining() + 2);
        dec.decode(pending, out, end);
        if (end) dec.flush(out);
        pending.compact(); // an incomplete trailing sequence stays for the next token
        out.flip();
        return out.toString();
    }
}
