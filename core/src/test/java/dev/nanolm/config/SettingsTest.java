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
}
