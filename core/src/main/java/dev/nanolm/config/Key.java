// One configurable setting: its --kebab-case name, default value and help line.
package dev.nanolm.config;

public record Key(String name, String defaultValue, String help) {}
