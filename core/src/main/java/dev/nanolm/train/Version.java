// nanolm's version, written into config.json and checkpoints.
package dev.nanolm.train;

public final class Version {
    public static final String VERSION = "0.1.0";
    private Version() {}
}
