// Training produced a NaN or infinite loss or gradient: stop, keep the last good checkpoint, suggest a lower
// learning rate (or --skip-nonfinite to step over a few bad batches).
package dev.nanolm.train;

public class NonFiniteLossException extends RuntimeException {
    public final long step;
    /** The first parameter whose gradient was not finite, or null when the loss itself was not. */
    public final String parameter;

    public NonFiniteLossException(long step, float lr) { this(step, lr, null, 0); }

    public NonFiniteLossException(long step, float lr, String parameter, int skipped) {
        super((parameter == null ? "the loss" : "the gradient of " + parameter) + " became NaN or infinite at step " + step
                + " (learning rate " + lr + (skipped > 0 ? ", after skipping " + skipped + " such steps" : "") + ")");
        this.step = step;
        this.parameter = parameter;
    }

    public String hint() {
        return "lower --learning-rate (or set --grad-clip 1.0) and continue from the last checkpoint with --resume"
                + " (the checkpoint is from before this step); --skip-nonfinite N steps over up to N bad batches";
    }
}
