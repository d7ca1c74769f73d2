// A module that maps one tensor to one tensor, so layers can be chained (Sequential).
package dev.nanolm.nn;

import dev.nanolm.tensor.Tensor;

public abstract class Layer extends Module {
    public abstract Tensor forward(Tensor x);
}
