// A bad setting (unknown key, bad value, unknown preset): a usage error, reported by the CLI with exit code 2.
package dev.nanolm.config;

public class ConfigException extends RuntimeException {
    private final String hint;

    public ConfigException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public String hint() { return hint; }
}
