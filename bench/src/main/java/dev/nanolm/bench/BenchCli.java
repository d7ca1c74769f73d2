// The benchmark mains' error edge (a bad option or setting is one `error: ...` line and exit code 2, bad data exit 1)
// and their option parsers.
package dev.nanolm.bench;

import dev.nanolm.config.Keys;
import java.util.Map;

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

    /** A benchmark main: its own options, the training settings it overrides, and the work. */
    interface Bench {
        /** Takes one of the bench's own options; false when the option is not one of them. */
        boolean take(String option, String value);

        /** Where options that are training settings (Keys) go, overriding the preset. */
        Map<String, String> settings();

        void run() throws java.io.IOException;
    }

    /** main(): parses args into bench, then runs it, behind the error edge. */
    static void main(Bench bench, String[] args) throws java.io.IOException {
        run(() -> {
            parse(args, bench);
            bench.run();
        });
    }

    /** Walks "--option value" pairs: the bench's own first, any other must be a training setting. */
    static void parse(String[] args, Bench bench) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("expected --option value, got '" + a + "'");
            String v = args[++i];
            if (bench.take(a, v)) continue;
            String key = a.substring(2);
            if (!Keys.known(key))
                throw new IllegalArgumentException("unknown option " + a + " (nor a training setting; nearest --" + Keys.nearest(key) + ")");
            bench.settings().put(key, v);
        }
    }

    static int positive(String opt, String v) {
        int n = nonNegative(opt, v);
        if (n == 0) throw new IllegalArgumentException(opt + " must be positive, got " + v);
        return n;
    }

    static int nonNegative(String opt, String v) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a whole number, got '" + v + "'");
        }
        if (n < 0) throw new IllegalArgumentException(opt + " must be >= 0, got " + v);
        return n;
    }

    static String oneOf(String opt, String v, String... allowed) {
        if (!java.util.Arrays.asList(allowed).contains(v))
            throw new IllegalArgumentException(opt + " must be one of " + String.join(", ", allowed) + ", got " + v);
        return v;
    }

    /**
     * DJL reads these before the engine loads: libtorch 2.7.1 (CPU) from the jar, no download, `threads` intra-op
     * threads (unless -Dai.djl.pytorch.num_threads says otherwise: then a note) and one inter-op thread.
     */
    static void configureTorch(int threads) {
        System.setProperty("ai.djl.offline", "true");
        if (System.getenv("PYTORCH_FLAVOR") == null && System.getProperty("PYTORCH_FLAVOR") == null) System.setProperty("PYTORCH_FLAVOR", "cpu");
        if (System.getenv("PYTORCH_VERSION") == null && System.getProperty("PYTORCH_VERSION") == null) System.setProperty("PYTORCH_VERSION", "2.7.1");
        String n = System.getProperty("ai.djl.pytorch.num_threads");
        if (n == null) System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        else if (!n.equals(Integer.toString(threads)))
            System.err.println("note: libtorch runs " + n + " threads (-Dai.djl.pytorch.num_threads), nanolm " + threads + " (--threads)");
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    private BenchCli() {}
}
