// A container that only names its children "0", "1", ... (torch.nn.ModuleList), so parameter paths read
// "h.3.attn.c_attn.weight"; the caller iterates it and decides how the children are applied.
package dev.nanolm.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    /** Adds a module at the end, named by its index; returns it. */
    public M append(M module) {
        items.add(add(String.valueOf(items.size()), module));
        return module;
    }

    public M get(int i) { return items.get(i); }

    public int size() { return items.size(); }

    public List<M> asList() { return Collections.unmodifiableList(items); }

    @Override public Iterator<M> iterator() { return asList().iterator(); }
}
