// makemore part 5's FlattenConsecutive: (B,T,C) -> (B,T/n,C*n), concatenating n neighbouring positions;
// the result keeps its middle dim even when it is 1, so BatchNorm1d normalises over (B,T/n) correctly.
package dev.nanolm.nn;

import dev.nanolm.autograd.Ops;
import dev.nanolm.tensor.ShapeException;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

public class FlattenConsecutive extends Layer {
    public final int n;

    public FlattenConsecutive(int n) {
        if (n <= 0) throw new ShapeException("FlattenConsecutive needs n >= 1, got " + n);
        this.n = n;
    }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.dim(1) % n != 0)
            throw new ShapeException("FlattenConsecutive(" + n + ") takes (B,T,C) with T a multiple of " + n + ", got " + Arrays.toString(x.shape));
        int B = x.dim(0), T = x.dim(1), C = x.dim(2);
        return Ops.view(x, B, T / n, C * n); // row-major: n consecutive (C) rows are one (n*C) row
    }
}
