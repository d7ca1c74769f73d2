// Shared plumbing for optimizers: parameter validation, learning rate, step count, and strict loading
// of named state tensors.
package dev.nanolm.optim;

import dev.nanolm.nn.Parameter;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

abstract class OptimizerBase implements Optimizer {
    protected final List<Parameter> params;
    protected float lr;
    protected long stepCount;

    OptimizerBase(List<Parameter> params, float lr) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("optimizer got no parameters");
        checkLr(lr);
        Set<String> names = new HashSet<>();
        IdentityHashMap<Tensor, String> tensors = new IdentityHashMap<>();
        for (Parameter p : params) {
            if (!names.add(p.name())) throw new IllegalArgumentException("parameter name '" + p.name() + "' appears twice");
            String prev = tensors.put(p.value(), p.name());
            if (prev != null)
                throw new IllegalArgumentException("parameters '" + prev + "' and '" + p.name() + "' are the same tensor");
        }
        this.params = List.copyOf(params);
        this.lr = lr;
    }

    private static void checkLr(float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
    }

    @Override public void zeroGrad() { for (int i = 0; i < params.size(); i++) params.get(i).value().zeroGrad(); } // (indexed: no iterator per step)

    @Override public void setLr(float lr) { checkLr(lr); this.lr = lr; }

    @Override public float lr() { return lr; }

    @Override public long stepCount() { return stepCount; }

    /** The parameters this optimizer updates (read-only). */
    public List<Parameter> parameters() { return params; }

    @Override
    public void loadState(Map<String, Tensor> state, long stepCount) {
        if (stepCount < 0) throw new IllegalArgumentException("step count must be >= 0, got " + stepCount);
        LinkedHashMap<String, Tensor> own = state();
        List<String> missing = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        List<String> unexpected = new ArrayList<>();
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty())
            throw new IllegalArgumentException("optimizer state does not match: missing keys " + missing
                    + ", unexpected keys " + unexpected);
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (!Arrays.equals(src.shape, e.getValue().shape))
                throw new ShapeException("optimizer state '" + e.getKey() + "' has shape " + Arrays.toString(src.shape)
                        + ", expected " + Arrays.toString(e.getValue().shape));
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != e.getValue()) System.arraycopy(src.data, 0, e.getValue().data, 0, src.data.length);
        }
        this.stepCount = stepCount;
    }

    /** A zero tensor shaped like p, named for the state dict. */
    static Tensor stateLike(String prefix, Parameter p) {
        Tensor t = Tensor.zeros(p.value().shape);
        t.name = prefix + p.name();
        return t;
    }
}
