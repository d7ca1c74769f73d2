// Training produced a NaN or infinite loss: stop, keep the last good checkpoint, suggest a lower learning rate.
package dev.nanolm.train;

public class NonFiniteLossException extends RuntimeException {
    public final long step;

    public NonFiniteLossException(long step, float lr) {
        super("the loss became NaN or infinite at step " + step + " (learning rate " + lr + ")");
        this.step = step;
    }

    public String hint() { return "lower --learning-rate (or set --grad-clip 1.0) and resume from the last checkpoint with --resume"; }
}
