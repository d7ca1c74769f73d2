// The benchmark mains' error edge: a bad option or setting is one `error: ...` line and exit code 2, bad data exit 1.
package dev.nanolm.bench;

final class BenchCli {
    interface Body { void run() throws java.io.IOException; }

    static void run(Body body) throws java.io.IOException {
        try {
            body.run();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (dev.nanolm.config.ConfigException e) {
            System.err.println("error: " + e.getMessage() + " (hint: " + e.hint() + ")");
            System.exit(2);
        } catch (dev.nanolm.data.DataException e) {
            System.err.println("error: " + e.getMessage() + " (hint: " + e.hint() + ")");
            System.exit(1);
        }
    }

    private BenchCli() {}
}
