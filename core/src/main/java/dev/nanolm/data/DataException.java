// A dataset or text file could not be found, fetched or read; carries a hint on how to fix it for the CLI.
// Internal code throws it; only the CLI prints it.
package dev.nanolm.data;

public class DataException extends RuntimeException {
    private final String hint;

    public DataException(String message, String hint) {
        this(message, hint, null);
    }

    public DataException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** How the user can fix it, e.g. "set NANOLM_DATA to a folder holding tinyshakespeare.txt, or pass --data PATH". */
    public String hint() { return hint; }
}
