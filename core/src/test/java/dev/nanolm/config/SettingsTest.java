// Settings: presets load, overrides win, unknown keys and bad values are ConfigExceptions with a suggestion.
package dev.nanolm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void everyBundledPresetLoadsAndOnlyUsesKnownKeys() {
        assertTrue(Presets.names().size() >= 3);
        for (String n : Presets.names()) {
            Presets.Preset p = Presets.load(n);
            assertTrue(!p.description().isEmpty(), n);
            Settings.defaults().setAll(p.values());
        }
    }

    @Test
    void presetThenOverride() {
        Settings s = Settings.defaults().setAll(Presets.load("names-mlp").values()).set("learning-rate", "0.05");
        assertEquals(0.05f, s.number("learning-rate"));
        assertEquals(200, s.integer("n-hidden"));
    }

    @Test
    void unknownKeyNamesTheNearest() {
        ConfigException e = assertThrows(ConfigException.class, () -> Settings.defaults().set("n-hiden", "3"));
        assertTrue(e.hint().contains("--n-hidden"), e.hint());
    }

    @Test
    void badValuesNameTheKey() {
        Settings s = Settings.defaults().set("max-iters", "lots");
        ConfigException e = assertThrows(ConfigException.class, () -> s.integer("max-iters"));
        assertTrue(e.getMessage().contains("--max-iters"));
    }

    @Test
    void durationsTakeSecondsOrAUnit() {
        Settings s = Settings.defaults();
        String[][] cases = {{"0", "0"}, {"2.5", "2.5"}, {"90s", "90"}, {"10m", "600"}, {"1.5h", "5400"}, {" 1H ", "3600"}};
        for (String[] c : cases) assertEquals(Double.parseDouble(c[1]), s.set("max-time", c[0]).seconds("max-time"), 1e-9, c[0]);
        for (String bad : new String[] {"soon", "m", "10 min", "NaNs", ""}) {
            ConfigException e = assertThrows(ConfigException.class, () -> s.set("max-time", bad).seconds("max-time"), bad);
            assertTrue(e.getMessage().contains("--max-time"), e.getMessage());
        }
    }
}
