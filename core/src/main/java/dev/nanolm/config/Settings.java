// The resolved settings of a run: defaults, then a preset, then --key value overrides.
// Typed getters turn a bad value into a ConfigException that names the key.
package dev.nanolm.config;

import java.util.LinkedHashMap;
import java.util.Map;

public final class Settings {
    private final LinkedHashMap<String, String> values = new LinkedHashMap<>();

    public static Settings defaults() {
        Settings s = new Settings();
        for (Key k : Keys.all().values()) s.values.put(k.name(), k.defaultValue());
        return s;
    }

    /** Sets a known key; an unknown key is a ConfigException naming the nearest known one. */
    public Settings set(String key, String value) {
        if (!Keys.known(key))
            throw new ConfigException("unknown setting '" + key + "'",
                    "did you mean --" + Keys.nearest(key) + "? `nanolm help train` lists every setting");
        values.put(key, value.trim());
        return this;
    }

    public Settings setAll(Map<String, String> kv) {
        kv.forEach(this::set);
        return this;
    }

    public String str(String key) {
        String v = values.get(key);
        if (v == null) throw new IllegalStateException("no setting " + key);
        return v;
    }

    public int integer(String key) {
        String v = str(key);
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + key + " must be an integer, got '" + v + "'", "for example --" + key + " " + Keys.all().get(key).defaultValue());
        }
    }

    public long longValue(String key) {
        String v = str(key);
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + key + " must be an integer, got '" + v + "'", "for example --" + key + " " + Keys.all().get(key).defaultValue());
        }
    }

    public float number(String key) {
        String v = str(key);
        try {
            float f = Float.parseFloat(v);
            if (!Float.isFinite(f)) throw new NumberFormatException();
            return f;
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + key + " must be a number, got '" + v + "'", "for example --" + key + " " + Keys.all().get(key).defaultValue());
        }
    }

    /** A duration in seconds: a number of seconds, or with a unit, 90s, 10m, 1.5h (for --max-time). */
    public double seconds(String key) {
        String v = str(key).toLowerCase();
        double unit = v.endsWith("h") ? 3600 : v.endsWith("m") ? 60 : 1;
        String n = v.endsWith("h") || v.endsWith("m") || v.endsWith("s") ? v.substring(0, v.length() - 1) : v;
        try {
            double d = Double.parseDouble(n.trim()) * unit;
            if (!Double.isFinite(d) || n.trim().isEmpty()) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + key + " must be a duration (seconds, or with a unit: 90s, 10m, 1h), got '" + v + "'",
                    "for example --" + key + " 10m");
        }
    }

    public boolean bool(String key) {
        String v = str(key).toLowerCase();
        if (v.equals("true") || v.equals("yes") || v.equals("1")) return true;
        if (v.equals("false") || v.equals("no") || v.equals("0")) return false;
        throw new ConfigException("--" + key + " must be true or false, got '" + v + "'", "use --" + key + " true");
    }

    /** All values in key order (for config.json). */
    public LinkedHashMap<String, String> asMap() { return new LinkedHashMap<>(values); }

    public static Settings fromMap(Map<String, String> m) {
        Settings s = defaults();
        for (var e : m.entrySet()) if (Keys.known(e.getKey())) s.values.put(e.getKey(), e.getValue());
        return s;
    }
}
