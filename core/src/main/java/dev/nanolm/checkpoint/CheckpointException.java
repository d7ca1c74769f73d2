// A checkpoint could not be written, read or trusted; carries a hint on how to fix it for the CLI to show.
// Thrown instead of ever returning a partly loaded checkpoint.
package dev.nanolm.checkpoint;

public class CheckpointException extends RuntimeException {
    private final String hint;

    public CheckpointException(String message, String hint) {
        this(message, hint, null);
    }

    public CheckpointException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** How the user can fix it, e.g. "use checkpoints/best.safetensors or retrain". */
    public String hint() { return hint; }
}
