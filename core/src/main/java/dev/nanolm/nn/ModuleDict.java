// A container that only names its children (torch.nn.ModuleDict), for paths like nanoGPT's "transformer.wte.weight".
package dev.nanolm.nn;

public class ModuleDict extends Module {
    /** Registers child under name and returns it. */
    public <M extends Module> M put(String name, M child) { return add(name, child); }

    public Module get(String name) {
        Module m = children().get(name);
        if (m == null) throw new IllegalArgumentException("no module '" + name + "' in " + children().keySet());
        return m;
    }
}
