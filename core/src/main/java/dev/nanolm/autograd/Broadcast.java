// numpy broadcasting plan for a binary op: the output shape and, per output element, which
// element of a and of b it reads. The common cases (equal shapes, bias-like suffix) skip the index maps.
package dev.nanolm.autograd;

import dev.nanolm.tensor.Tensor;

final class Broadcast {
    final int[] outShape;
    /**
     * Null in the block fast path: out has a's layout and output element o reads b[(o / inner) % b.numel()],
     * i.e. b matches a contiguous run of a's dims with size 1 elsewhere. inner == 1 is the suffix case
     * (equal shapes, bias (B,T,C)+(C), scalars); inner > 1 covers e.g. (B,T,C)-(B,T,1).
     */
    final int[] aIdx, bIdx;
    final int inner;

    private Broadcast(int[] outShape, int[] aIdx, int[] bIdx, int inner) {
        this.outShape = outShape;
        this.aIdx = aIdx;
        this.bIdx = bIdx;
        this.inner = inner;
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
        if (n == a.numel()) {
            int inner = blockInner(bs, as);
            if (inner > 0) return new Broadcast(out, null, null, inner);
        }

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
        return new Broadcast(out, ai, bi, 0);
    }

    /**
     * When b, without its leading and trailing 1s, equals a run of a's dims that ends t dims before a's end
     * (t = b's count of trailing 1s), returns the product of a's last t dims; otherwise 0.
     */
    private static int blockInner(int[] bs, int[] as) {
        int start = 0, end = bs.length;
        while (start < end && bs[start] == 1) start++;
        while (end > start && bs[end - 1] == 1) end--;
        int t = bs.length - end, len = end - start;
        if (len == 0) return 1; // b holds a single value
        if (t + len > as.length) return 0;
        int aEnd = as.length - t;
        for (int i = 0; i < len; i++) if (bs[start + i] != as[aEnd - len + i]) return 0;
        return OpUtil.prod(as, aEnd, as.length);
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
