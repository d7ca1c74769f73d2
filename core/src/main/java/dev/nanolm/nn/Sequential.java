// A chain of layers applied in order; children are named "0", "1", ... as in torch.nn.Sequential,
// so parameter paths read "layers.3.weight".
package dev.nanolm.nn;

import dev.nanolm.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

public class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        for (Layer l : layers) append(l);
    }

    public Sequential(List<? extends Layer> layers) {
        for (Layer l : layers) append(l);
    }

    /** Adds a layer at the end, named by its index. */
    public Sequential append(Layer layer) {
        layers.add(add(String.valueOf(layers.size()), layer));
        return this;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }

    public Layer get(int i) { return layers.get(i); }

    public int size() { return layers.size(); }

    /** The layers in order (read-only). */
    public List<Layer> layers() { return Collections.unmodifiableList(layers); }
}
