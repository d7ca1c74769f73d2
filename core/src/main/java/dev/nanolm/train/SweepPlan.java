// The runs of a sweep: --grid key=v1,v2,... parsed and checked, expanded into every combination (or one key varied
// at a time from the base settings), each repeated with seed+1, +2, ... and named after what it varies.
package dev.nanolm.train;

import dev.nanolm.config.ConfigException;
import dev.nanolm.config.Keys;
import dev.nanolm.config.Settings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public final class SweepPlan {
    /** One --grid option: a known key and its values, in the order given. */
    public record Grid(String key, List<String> values) {}

    /** One run: its directory name, the values it varies (grid keys, and seed for repeats), its full settings. */
    public record RunSpec(String name, LinkedHashMap<String, String> varied, Settings settings) {}

    /** Parses "key=v1,v2,..."; an unknown key names the nearest, an empty or ill-typed value says which. */
    public static Grid parseGrid(String spec) {
        int eq = spec.indexOf('=');
        String key = eq < 0 ? spec : spec.substring(0, eq).strip();
        if (key.startsWith("--")) key = key.substring(2);
        if (eq < 0) throw new ConfigException("--grid '" + spec + "' has no values", "write --grid " + key + "=v1,v2,...");
        if (!Keys.known(key)) throw new ConfigException("unknown grid key '" + key + "'",
                "did you mean " + Keys.nearest(key) + "? grid keys are the --key settings of `nanolm help train`");
        List<String> values = new ArrayList<>();
        for (String v : spec.substring(eq + 1).split(",", -1)) {
            String t = v.strip();
            if (t.isEmpty()) throw new ConfigException("--grid " + spec + " has an empty value", "write --grid " + key + "=v1,v2,... with no empty entries");
            if (values.contains(t)) throw new ConfigException("--grid " + spec + " lists " + t + " twice", "give each value once (--repeat N repeats runs)");
            checkType(key, t);
            values.add(t);
        }
        return new Grid(key, values);
    }

    /** A value must have its key's type (integer, number or true/false, as the key's default); the trainer checks ranges. */
    static void checkType(String key, String value) {
        String def = Keys.all().get(key).defaultValue();
        Settings s = Settings.defaults().set(key, value);
        if (def.equals("true") || def.equals("false")) s.bool(key);
        else if (def.matches("-?[0-9_]+")) s.longValue(key);
        else if (def.matches("-?[0-9.eE+-]+")) s.number(key);
    }

    /**
     * The runs: every combination of the grids' values (the first grid outermost), or with oneAtATime each value of
     * each grid on its own with every other setting from base; each repeated `repeats` times with seed + r - 1.
     */
    public static List<RunSpec> plan(Settings base, List<Grid> grids, boolean oneAtATime, int repeats) {
        if (grids.isEmpty()) throw new ConfigException("a sweep needs at least one --grid", "add --grid learning-rate=0.01,0.1,0.5, for example");
        if (repeats < 1) throw new ConfigException("--repeat must be at least 1, got " + repeats, "use --repeat 1 (each run once)");
        Set<String> keys = new HashSet<>();
        for (Grid g : grids)
            if (!keys.add(g.key())) throw new ConfigException("--grid " + g.key() + " is given twice", "list all its values in one --grid " + g.key() + "=v1,v2,...");
        List<LinkedHashMap<String, String>> points = new ArrayList<>();
        if (oneAtATime) {
            for (Grid g : grids) for (String v : g.values()) points.add(new LinkedHashMap<>(Map.of(g.key(), v)));
        } else {
            points.add(new LinkedHashMap<>());
            for (Grid g : grids) {
                List<LinkedHashMap<String, String>> next = new ArrayList<>();
                for (var p : points) for (String v : g.values()) {
                    var q = new LinkedHashMap<>(p);
                    q.put(g.key(), v);
                    next.add(q);
                }
                points = next;
            }
        }
        List<RunSpec> runs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (var p : points) for (int r = 1; r <= repeats; r++) {
            Settings s = Settings.fromMap(base.asMap()).setAll(p);
            LinkedHashMap<String, String> varied = new LinkedHashMap<>(p);
            if (r > 1) {
                s.set("seed", Long.toString(s.longValue("seed") + r - 1));
                varied.put("seed", s.str("seed"));
            }
            String name = name(p) + (r > 1 ? "-r" + r : "");
            if (!names.add(name)) throw new ConfigException("two runs of the sweep would share the directory " + name,
                    "grid values must differ in their letters and digits, not only in punctuation");
            runs.add(new RunSpec(name, varied, s));
        }
        return runs;
    }

    /** key=value,key2=value2 with anything but letters, digits and ._+- in a value (a path's slashes) made '_'. */
    static String name(Map<String, String> point) {
        StringBuilder sb = new StringBuilder();
        for (var e : point.entrySet()) {
            if (sb.length() > 0) sb.append(',');
            String v = e.getValue();
            if (v.contains("/")) v = v.substring(v.lastIndexOf('/') + 1);
            sb.append(e.getKey()).append('=').append(v.replaceAll("[^A-Za-z0-9._+-]", "_"));
        }
        return sb.toString();
    }

    /**
     * Sweeps compare learning curves, so a run with fewer than 10 evaluations (a preset made for long runs, cut short
     * with --max-iters) is evaluated every max-iters/10 steps and logged twice as often, unless the user set the
     * intervals. Evaluation and logging never change what is trained (their RNGs are their own).
     */
    public static String curves(Settings s, Set<String> explicit) {
        int iters = s.integer("max-iters"), eval = s.integer("eval-interval");
        if (explicit.contains("eval-interval") || iters < 20 || eval * 10 <= iters) return null;
        int e = iters / 10;
        s.set("eval-interval", Integer.toString(e));
        if (!explicit.contains("log-interval") && s.integer("log-interval") > e / 2) s.set("log-interval", Integer.toString(Math.max(1, e / 2)));
        return "--eval-interval " + e + " --log-interval " + s.str("log-interval");
    }

    private SweepPlan() {}
}
