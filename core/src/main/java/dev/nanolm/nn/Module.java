// Base of every layer and model: owns named parameters, buffers and child modules, and derives
// dotted path names, state dicts, train/eval mode and parameter counts from that tree.
package dev.nanolm.nn;

import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public abstract class Module {
    private final LinkedHashMap<String, Tensor> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    /** Path of this module from the root it was first attached to ("" for a root), ending in '.' otherwise. */
    private String prefix = "";

    /** Registers a child module under name; its tensors are then reached as "name.&lt;path&gt;". Returns child. */
    protected <M extends Module> M add(String name, M child) {
        checkName(name);
        if (child == null) throw new IllegalArgumentException("child module '" + name + "' is null");
        if (child == this) throw new IllegalArgumentException("module cannot be its own child: " + name);
        if (params.containsKey(name) || buffers.containsKey(name))
            throw new IllegalArgumentException("name '" + name + "' is already a parameter or buffer");
        children.put(name, child);
        // Tensor names carry the full path for messages; a module already attached elsewhere (shared) keeps its path.
        Module c = child;
        if (c.prefix.isEmpty()) c.reprefix(prefix + name + ".");
        child.train(training);
        return child;
    }

    /**
     * Registers a trainable tensor: sets requiresGrad and its name. Registering the same name again replaces
     * the tensor (weight tying: pass another module's parameter), keeping its position in {@link #parameters()}.
     */
    protected Tensor param(String name, Tensor t) {
        checkName(name);
        if (t == null) throw new IllegalArgumentException("parameter '" + name + "' is null");
        if (children.containsKey(name) || buffers.containsKey(name))
            throw new IllegalArgumentException("name '" + name + "' is already a child module or buffer");
        // A tensor that is already a parameter elsewhere (tied) keeps the name of its first path.
        if (t.name == null || !t.requiresGrad) t.name = prefix + name;
        t.requiresGrad = true;
        params.put(name, t);
        return t;
    }

    /** Registers non-trainable state that belongs in checkpoints (e.g. BatchNorm running statistics). */
    protected Tensor buffer(String name, Tensor t) {
        checkName(name);
        if (t == null) throw new IllegalArgumentException("buffer '" + name + "' is null");
        if (children.containsKey(name) || params.containsKey(name))
            throw new IllegalArgumentException("name '" + name + "' is already a child module or parameter");
        t.requiresGrad = false;
        t.name = prefix + name;
        buffers.put(name, t);
        return t;
    }

    /** Moves this subtree under a new path, renaming the tensors it owns (tied tensors named elsewhere keep their name). */
    private void reprefix(String newPrefix) {
        String old = prefix;
        for (Map.Entry<String, Tensor> e : params.entrySet()) rename(e.getValue(), old + e.getKey(), newPrefix + e.getKey());
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) rename(e.getValue(), old + e.getKey(), newPrefix + e.getKey());
        prefix = newPrefix;
        for (Map.Entry<String, Module> e : children.entrySet())
            if (e.getValue().prefix.equals(old + e.getKey() + ".")) e.getValue().reprefix(newPrefix + e.getKey() + ".");
    }

    private static void rename(Tensor t, String oldName, String newName) {
        if (oldName.equals(t.name)) t.name = newName;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("module entry names must be non-empty and contain no '.': " + name);
    }

    /**
     * Trainable tensors with dotted paths, PyTorch's order: this module's own parameters in registration
     * order, then each child's in registration order. A tensor reachable under two paths (tied weights)
     * is listed once, under its first path, so optimizers update it once.
     */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        collectParams("", out, seen);
        return out;
    }

    private void collectParams(String prefix, List<Parameter> out, IdentityHashMap<Tensor, Boolean> seen) {
        for (Map.Entry<String, Tensor> e : params.entrySet())
            if (seen.put(e.getValue(), Boolean.TRUE) == null) out.add(new Parameter(prefix + e.getKey(), e.getValue()));
        for (Map.Entry<String, Module> e : children.entrySet())
            e.getValue().collectParams(prefix + e.getKey() + ".", out, seen);
    }

    /**
     * Parameters and buffers by path (own parameters, own buffers, then children, as PyTorch's state_dict).
     * Tied tensors appear under every path, as in PyTorch. The tensors are the live ones, not copies.
     */
    public LinkedHashMap<String, Tensor> stateDict() { return namedTensors(); }

    private LinkedHashMap<String, Tensor> namedTensors() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : params.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> e : children.entrySet()) e.getValue().collectState(prefix + e.getKey() + ".", out);
    }

    /** Non-trainable tensors by path. */
    public LinkedHashMap<String, Tensor> buffers() {
        LinkedHashMap<String, Tensor> all = namedTensors();
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : all.entrySet()) if (!e.getValue().requiresGrad) out.put(e.getKey(), e.getValue());
        return out;
    }

    /** This module's dotted path from the root it is attached to ("hidden", "transformer.h.0.mlp"; "" for a root). */
    public String path() { return prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1); }

    /** Direct children by name, in registration order (read-only). */
    public Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    /**
     * Copies values from a state dict into this module's tensors. Strict: every key must match exactly and
     * every shape must agree; nothing is copied unless all checks pass.
     * @throws IllegalArgumentException listing missing and unexpected keys
     * @throws ShapeException naming the first tensor whose shape differs
     */
    public void loadStateDict(Map<String, Tensor> state) {
        LinkedHashMap<String, Tensor> own = namedTensors();
        List<String> missing = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        List<String> unexpected = new ArrayList<>();
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty())
            throw new IllegalArgumentException("state dict does not match the module: missing keys " + missing
                    + ", unexpected keys " + unexpected);
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (!Arrays.equals(src.shape, e.getValue().shape))
                throw new ShapeException("state dict tensor '" + e.getKey() + "' has shape " + Arrays.toString(src.shape)
                        + ", the module expects " + Arrays.toString(e.getValue().shape));
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != e.getValue()) System.arraycopy(src.data, 0, e.getValue().data, 0, src.data.length);
        }
    }

    /** Sets training mode (dropout active, batch norm uses batch statistics) on this module and all descendants. */
    public void train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
    }

    /** Shorthand for train(false). */
    public void eval() { train(false); }

    public boolean training() { return training; }

    /** Number of trainable scalars (tied tensors counted once). */
    public long numParams() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    /** Zeroes the gradient of every parameter (gradients never allocated stay unallocated). */
    public void zeroGrad() {
        for (Parameter p : parameters()) p.value().zeroGrad();
    }
}
