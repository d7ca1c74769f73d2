// numpy broadcasting plan for a binary op: the output shape and, per output element, which
// element of a and of b it reads. The common cases (equal shapes, bias-like suffix) skip the index maps.
package dev.nanolm.autograd;

import dev.nanolm.tensor.Tensor;

final class Broadcast {
    final int[] outShape;
    /** Null in the suffix fast path: out has a's layout and b repeats every b.numel() elements. */
    final int[] aIdx, bIdx;

    private Broadcast(int[] outShape, int[] aIdx, int[] bIdx) {
        this.outShape = outShape;
        this.aIdx = aIdx;
        this.bIdx = bIdx;
    }

    static Broadcast of(String op, Tensor a, Tensor b) {
        int[] as = a.shape, bs = b.shape;
        int R = Math.max(as.length, bs.length);
        int[] out = new int[R];
        for (int i = 0; i < R; i++) {
            int da = i - (R - as.length) >= 0 ? as[i - (R - as.length)] : 1;
            int db = i - (R - bs.length) >= 0 ? bs[i - (R - bs.length)] : 1;
            if (da != db && da != 1 && db != 1) throw OpUtil.mismatch(op, a, b, "do not broadcast");
            out[i] = da == 1 ? db : da;
        }
        int n = Tensor.numel(out);
        if (n == a.numel() && isSuffix(bs, as)) return new Broadcast(out, null, null);

        // General case: strides of a and b in output coordinates, 0 along broadcast dims.
        int[] sa = strides(as, R), sb = strides(bs, R);
        int[] ai = new int[n], bi = new int[n];
        int[] idx = new int[R];
        int pa = 0, pb = 0;
        for (int o = 0; o < n; o++) {
            ai[o] = pa;
            bi[o] = pb;
            // odometer increment over out, updating the a and b offsets incrementally
            for (int d = R - 1; d >= 0; d--) {
                idx[d]++;
                pa += sa[d];
                pb += sb[d];
                if (idx[d] < out[d]) break;
                pa -= sa[d] * idx[d];
                pb -= sb[d] * idx[d];
                idx[d] = 0;
            }
        }
        return new Broadcast(out, ai, bi);
    }

    /** True when b, without its leading 1s, equals the trailing dims of a. */
    private static boolean isSuffix(int[] bs, int[] as) {
        int start = 0;
        while (start < bs.length && bs[start] == 1) start++;
        int len = bs.length - start;
        if (len > as.length) return false;
        for (int i = 0; i < len; i++) if (bs[start + i] != as[as.length - len + i]) return false;
        return true;
    }

    /** Row-major strides of shape right-aligned to rank R; size-1 (broadcast) and missing dims get stride 0. */
    private static int[] strides(int[] shape, int R) {
        int[] st = new int[R];
        int off = R - shape.length, acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[off + i] = shape[i] == 1 ? 0 : acc;
            acc *= shape[i];
        }
        return st;
    }
}
