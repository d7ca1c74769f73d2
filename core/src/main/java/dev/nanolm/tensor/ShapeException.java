// Thrown when tensor shapes do not fit an operation; the CLI reports it as a usage/config error.
package dev.nanolm.tensor;

public class ShapeException extends RuntimeException {
    public ShapeException(String message) { super(message); }
}
