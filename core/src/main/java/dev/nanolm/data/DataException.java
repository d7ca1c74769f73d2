// Bad input data (missing, empty, binary, malformed, too small): the CLI reports it with exit code 1 and the hint.
package dev.nanolm.data;

public class DataException extends RuntimeException {
    private final String hint;

    public DataException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public String hint() { return hint; }
}
