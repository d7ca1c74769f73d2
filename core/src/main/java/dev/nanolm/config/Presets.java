// Presets: small `key = value` files (first line `# name: description`) shipped in the jar under presets/.
package dev.nanolm.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

public final class Presets {

    public record Preset(String name, String description, LinkedHashMap<String, String> values) {}

    /** Names of the bundled presets, in the order of presets/index.txt. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        try (InputStream in = Presets.class.getResourceAsStream("/presets/index.txt")) {
            if (in == null) return out;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                if (!line.isBlank() && !line.startsWith("#")) out.add(line.trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled preset index", e);
        }
        return out;
    }

    public static Preset load(String name) {
        InputStream in = Presets.class.getResourceAsStream("/presets/" + name + ".conf");
        if (in == null) {
            List<String> names = names();
            throw new ConfigException("unknown preset '" + name + "'",
                    "did you mean " + Strings.nearest(name, names) + "? presets: " + String.join(", ", names));
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String description = "";
            LinkedHashMap<String, String> values = new LinkedHashMap<>();
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.startsWith("#")) {
                    if (n == 1) description = t.substring(1).strip().replaceFirst("^" + java.util.regex.Pattern.quote(name) + ":\\s*", "");
                    continue;
                }
                if (t.isEmpty()) continue;
                int eq = t.indexOf('=');
                if (eq < 0) throw new IllegalStateException("preset " + name + " line " + n + ": expected key = value");
                String key = t.substring(0, eq).strip();
                if (!Keys.known(key)) throw new IllegalStateException("preset " + name + " line " + n + ": unknown key " + key);
                values.put(key, t.substring(eq + 1).strip());
            }
            return new Preset(name, description, values);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read preset " + name, e);
        }
    }

    private Presets() {}
}
