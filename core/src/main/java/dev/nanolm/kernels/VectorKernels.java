// The fast kernels: JDK Vector API with the machine's preferred species, packed SGEMM (Sgemm), row-wise and
// elementwise ops split over the shared pool when large (bodies are reused per-thread Tasks: no garbage per call).
// Agrees with ScalarKernels within VectorKernelsTest's tolerances.
package dev.nanolm.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

public final class VectorKernels implements Kernels {
    /** The one species of all kernels: the machine's preferred width (512 bits, 16 floats, on our AVX-512 machine; 256 on AVX2); never hard-coded. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    static { recordVectorProfiles(); }

    /**
     * With C2 alone (bin/nanolm runs -XX:-TieredCompilation), a JDK vector method such as FloatVector.intoArray or fma
     * reaches the species' implementation through an abstract call, which C2 inlines, and so turns into vector
     * instructions, only from a type profile that the interpreter records. When one of our kernels is compiled before
     * those JDK methods ran a few thousand times in the interpreter (small makemore steps), there is no profile and
     * C2 boxes every vector of the kernel: ~18 KB per names-mlp step, a GC every second or two. Running each method
     * here, once per JVM (~0.13 s), records the profiles; nothing it computes is used.
     */
    private static void recordVectorProfiles() {
        float[] a = new float[4 * L], b = new float[4 * L];
        for (int i = 0; i < a.length; i++) { a[i] = i * 0.25f - 1f; b[i] = 1f - i * 0.125f; }
        FloatVector acc = FloatVector.zero(S);
        for (int it = 0; it < 6000; it++) { // more calls than the interpreter's profiling threshold (33% of 10,000)
            int o = (it & 3) * L;
            FloatVector x = FloatVector.fromArray(S, a, o), y = FloatVector.fromArray(S, b, o);
            acc = x.fma(y, acc).add(x).sub(y).mul(x).max(y).min(x.neg()).div(y.add(3f)).mul(0.5f).add(1f).sub(0.25f);
            acc.intoArray(b, o);
            acc.lanewise(VectorOperators.MAX, x).intoArray(a, o);
            if (acc.reduceLanes(VectorOperators.ADD) > 1e30f || acc.reduceLanes(VectorOperators.MAX) > 1e30f) acc = FloatVector.zero(S);
            acc = FloatVector.broadcast(S, 0.5f).mul(acc);
        }
    }
    /** Elements of row-wise or elementwise work below which one thread does it all (a wake-up costs ~10 us). */
    static final int PARALLEL_ELEMS = 1 << 15;
    /** Elementwise ops are split in blocks of this many elements (a multiple of any vector width). */
    static final int BLOCK = 1024;

    @Override public String name() { return "vector"; }

    // ---- SGEMM ----

    @Override
    public void matmulNN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate) {
        Sgemm.gemm(Sgemm.NN, a, aOff, b, bOff, c, cOff, M, N, K, accumulate);
    }

    @Override
    public void matmulNT(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate) {
        Sgemm.gemm(Sgemm.NT, a, aOff, b, bOff, c, cOff, M, N, K, accumulate);
    }

    @Override
    public void matmulTN(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K, boolean accumulate) {
        Sgemm.gemm(Sgemm.TN, a, aOff, b, bOff, c, cOff, M, N, K, accumulate);
    }

    @Override
    public PackedB packB(float[] b, int bOff, int N, int K, boolean transposed) {
        return new PackedB(b, bOff, N, K, transposed, Sgemm.pack(transposed ? Sgemm.NT : Sgemm.NN, b, bOff, N, K));
    }

    @Override
    public void repackB(PackedB p) {
        Sgemm.pack(p.transposed() ? Sgemm.NT : Sgemm.NN, p.b(), p.bOff(), p.N(), p.K(), p.panels());
    }

    @Override
    public void matmulPacked(float[] a, int aOff, PackedB b, float[] c, int cOff, int M, boolean accumulate) {
        Sgemm.gemm(b.transposed() ? Sgemm.NT : Sgemm.NN, a, aOff, b.b(), b.bOff(), b.panels(), c, cOff, M, b.N(), b.K(), accumulate);
    }

    /**
     * Sum of the lanes in lane order. reduceLanes(ADD) may reassociate (it does on JDK 25, and its result then
     * depends on whether the JIT has compiled the caller), which would break bit-identical resumed runs.
     */
    static float sumLanes(FloatVector v) {
        // through a per-thread array: v.lane(i) with a loop index makes C2 box the vector (a heap allocation per call)
        float[] lanes = LANES.get();
        v.intoArray(lanes, 0);
        return sumLanes(lanes);
    }

    static float sumLanes(float[] lanes) {
        float s = 0f;
        for (int i = 0; i < L; i++) s += lanes[i];
        return s;
    }

    static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    /** Fewest rows worth splitting over the pool: rows * C of at least PARALLEL_ELEMS. */
    private static int rowGrain(int C) { return Math.max(2, PARALLEL_ELEMS / Math.max(1, C)); }

    // ---- softmax ----

    @Override
    public void softmax(float[] x, int xOff, float[] out, int outOff, int rows, int C) {
        if (C <= 0) return;
        try (Softmax t = Softmax.LOCAL.acquire()) {
            t.set(x, xOff, out, outOff, C);
            Parallel.forRange(rows, rowGrain(C), t);
        }
    }

    /**
     * A row-wise op of x (rows of C from xOff) into out (from outOff). One subclass per op, so each op's loop is
     * compiled on its own as its lambda was.
     */
    private abstract static class Rows extends Task {
        float[] x, out;
        int xOff, outOff, C;

        final void set(float[] x, int xOff, float[] out, int outOff, int C) {
            this.x = x; this.xOff = xOff; this.out = out; this.outOff = outOff; this.C = C;
        }

        @Override void clear() { x = out = null; }
    }

    private static final class Softmax extends Rows {
        static final Task.Local<Softmax> LOCAL = new Task.Local<>(Softmax::new);

        @Override
        public void run(int r0, int r1) {
            for (int r = r0; r < r1; r++) softmaxRow(x, xOff + r * C, out, outOff + r * C, C);
        }
    }

    private static float rowMax(float[] x, int xi, int C) {
        int j = 0, bound = S.loopBound(C);
        float max = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector vm = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; j < bound; j += L) vm = vm.max(FloatVector.fromArray(S, x, xi + j));
            max = vm.reduceLanes(VectorOperators.MAX);
        }
        for (; j < C; j++) max = Math.max(max, x[xi + j]);
        return max;
    }

    // exp: Math.exp gives the same bits interpreted and compiled; lanewise(EXP) does not (its intrinsic and its
    // Java fallback differ in the last ulp), so a run's numbers would depend on JIT timing. Rows here are
    // vocabulary-sized, so the scalar exp costs little; the max and the scaling stay vectorised.
    private static void softmaxRow(float[] x, int xi, float[] out, int oi, int C) {
        float max = rowMax(x, xi, C);
        float sum = 0f;
        for (int j = 0; j < C; j++) {
            float e = (float) Math.exp(x[xi + j] - max);
            out[oi + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        FloatVector vinv = FloatVector.broadcast(S, inv);
        int j = 0, bound = S.loopBound(C);
        for (; j < bound; j += L) FloatVector.fromArray(S, out, oi + j).mul(vinv).intoArray(out, oi + j);
        for (; j < C; j++) out[oi + j] *= inv;
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] out, int outOff, int rows, int C) {
        if (C <= 0) return;
        try (LogSoftmax t = LogSoftmax.LOCAL.acquire()) {
            t.set(x, xOff, out, outOff, C);
            Parallel.forRange(rows, rowGrain(C), t);
        }
    }

    private static final class LogSoftmax extends Rows {
        static final Task.Local<LogSoftmax> LOCAL = new Task.Local<>(LogSoftmax::new);

        @Override
        public void run(int r0, int r1) {
            for (int r = r0; r < r1; r++) logSoftmaxRow(x, xOff + r * C, out, outOff + r * C, C);
        }
    }

    private static void logSoftmaxRow(float[] x, int xi, float[] out, int oi, int C) {
        float max = rowMax(x, xi, C);
        float sum = 0f;
        for (int j = 0; j < C; j++) sum += (float) Math.exp(x[xi + j] - max);
        float lse = max + (float) Math.log(sum);
        FloatVector vl = FloatVector.broadcast(S, lse);
        int j = 0, bound = S.loopBound(C);
        for (; j < bound; j += L) FloatVector.fromArray(S, x, xi + j).sub(vl).intoArray(out, oi + j);
        for (; j < C; j++) out[oi + j] = x[xi + j] - lse;
    }

    // ---- layer norm ----

    @Override
    public void layerNormForward(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd, int rows, int C, float eps) {
        if (C <= 0) return;
        try (LayerNorm t = LayerNorm.LOCAL.acquire()) {
            t.set(x, w, b, out, mean, rstd, C, eps);
            Parallel.forRange(rows, rowGrain(C), t);
        }
    }

    /** layerNormForward's body: rows [r0, r1). */
    private static final class LayerNorm extends Task {
        static final Task.Local<LayerNorm> LOCAL = new Task.Local<>(LayerNorm::new);
        float[] x, w, b, out, mean, rstd;
        int C;
        float eps;

        void set(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd, int C, float eps) {
            this.x = x; this.w = w; this.b = b; this.out = out; this.mean = mean; this.rstd = rstd; this.C = C; this.eps = eps;
        }

        @Override
        public void run(int r0, int r1) {
            for (int r = r0; r < r1; r++) layerNormRow(x, w, b, out, mean, rstd, r, C, eps);
        }

        @Override void clear() { x = w = b = out = mean = rstd = null; }
    }

    private static void layerNormRow(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd, int r, int C, float eps) {
        int o = r * C, bound = S.loopBound(C), j;
        FloatVector vs = FloatVector.zero(S);
        for (j = 0; j < bound; j += L) vs = vs.add(FloatVector.fromArray(S, x, o + j));
        float s = sumLanes(vs);
        for (; j < C; j++) s += x[o + j];
        float m = s / C;
        FloatVector vm = FloatVector.broadcast(S, m);
        FloatVector vv = FloatVector.zero(S);
        for (j = 0; j < bound; j += L) {
            FloatVector d = FloatVector.fromArray(S, x, o + j).sub(vm);
            vv = d.fma(d, vv);
        }
        float v = sumLanes(vv);
        for (; j < C; j++) { float d = x[o + j] - m; v += d * d; }
        float rs = (float) (1.0 / Math.sqrt(v / C + eps));
        FloatVector vr = FloatVector.broadcast(S, rs);
        // two loops, not a ternary per vector: C2 boxes a vector merged from two branches
        if (b != null)
            for (j = 0; j < bound; j += L)
                FloatVector.fromArray(S, x, o + j).sub(vm).mul(vr)
                        .fma(FloatVector.fromArray(S, w, j), FloatVector.fromArray(S, b, j)).intoArray(out, o + j);
        else
            for (j = 0; j < bound; j += L)
                FloatVector.fromArray(S, x, o + j).sub(vm).mul(vr).mul(FloatVector.fromArray(S, w, j)).intoArray(out, o + j);
        j = bound;
        for (; j < C; j++) out[o + j] = (x[o + j] - m) * rs * w[j] + (b != null ? b[j] : 0f);
        mean[r] = m;
        rstd[r] = rs;
    }

    @Override
    public void layerNormBackward(float[] dout, float[] x, float[] w, float[] mean, float[] rstd,
                                  float[] dx, float[] dw, float[] db, int rows, int C) {
        if (C <= 0 || rows <= 0) return;
        int grain = rowGrain(C);
        if (Parallel.threads() == 1 || rows < grain) {
            // One pass: dx and the parameter gradients row by row.
            for (int r = 0; r < rows; r++) {
                layerNormBackwardRow(dout, x, w, mean, rstd, dx, r, C);
                layerNormParamGrads(dout, x, mean, rstd, dw, db, r, r + 1, 0, C, C);
            }
            return;
        }
        // dx is independent per row; dw/db sum over rows, so they are split by columns instead: each column
        // sums its rows in row order, giving the same bits as the one-pass path whatever the thread count.
        try (LayerNormBackward t = LayerNormBackward.LOCAL.acquire()) {
            t.set(dout, x, w, mean, rstd, dx, dw, db, rows, C);
            Parallel.forRange(rows, grain, t);
            t.columns = true;
            Parallel.forRange((C + L - 1) / L, t);
        }
    }

    /** layerNormBackward's parallel bodies: dx for rows [r0, r1), then dw and db for vector-sized column units. */
    private static final class LayerNormBackward extends Task {
        static final Task.Local<LayerNormBackward> LOCAL = new Task.Local<>(LayerNormBackward::new);
        float[] dout, x, w, mean, rstd, dx, dw, db;
        int rows, C;
        /** false: the body computes dx by rows; true: dw and db by column units. */
        boolean columns;

        void set(float[] dout, float[] x, float[] w, float[] mean, float[] rstd, float[] dx, float[] dw, float[] db,
                 int rows, int C) {
            this.dout = dout; this.x = x; this.w = w; this.mean = mean; this.rstd = rstd;
            this.dx = dx; this.dw = dw; this.db = db; this.rows = rows; this.C = C; this.columns = false;
        }

        @Override
        public void run(int s, int e) {
            if (columns) layerNormParamGrads(dout, x, mean, rstd, dw, db, 0, rows, s * L, Math.min(C, e * L), C);
            else for (int r = s; r < e; r++) layerNormBackwardRow(dout, x, w, mean, rstd, dx, r, C);
        }

        @Override void clear() { dout = x = w = mean = rstd = dx = dw = db = null; }
    }

    private static void layerNormBackwardRow(float[] dout, float[] x, float[] w, float[] mean, float[] rstd, float[] dx, int r, int C) {
        int o = r * C, bound = S.loopBound(C), j;
        float m = mean[r], rs = rstd[r];
        FloatVector vm = FloatVector.broadcast(S, m), vr = FloatVector.broadcast(S, rs);
        FloatVector vsd = FloatVector.zero(S), vsdn = FloatVector.zero(S);
        for (j = 0; j < bound; j += L) {
            FloatVector n = FloatVector.fromArray(S, x, o + j).sub(vm).mul(vr);
            FloatVector dn = FloatVector.fromArray(S, dout, o + j).mul(FloatVector.fromArray(S, w, j));
            vsd = vsd.add(dn);
            vsdn = dn.fma(n, vsdn);
        }
        float sumD = sumLanes(vsd), sumDN = sumLanes(vsdn);
        for (; j < C; j++) {
            float n = (x[o + j] - m) * rs;
            float dn = dout[o + j] * w[j];
            sumD += dn;
            sumDN += dn * n;
        }
        float meanD = sumD / C, meanDN = sumDN / C;
        FloatVector vmd = FloatVector.broadcast(S, meanD), vmdn = FloatVector.broadcast(S, meanDN);
        for (j = 0; j < bound; j += L) {
            FloatVector n = FloatVector.fromArray(S, x, o + j).sub(vm).mul(vr);
            FloatVector dn = FloatVector.fromArray(S, dout, o + j).mul(FloatVector.fromArray(S, w, j));
            FloatVector g = dn.sub(vmd).sub(n.mul(vmdn)).mul(vr);
            g.add(FloatVector.fromArray(S, dx, o + j)).intoArray(dx, o + j);
        }
        for (; j < C; j++) {
            float n = (x[o + j] - m) * rs;
            float dn = dout[o + j] * w[j];
            dx[o + j] += rs * (dn - meanD - n * meanDN);
        }
    }

    /** dw[c0,c1) += sum over rows [r0,r1) of dout * norm(x); db likewise with dout. Vector part on columns. */
    private static void layerNormParamGrads(float[] dout, float[] x, float[] mean, float[] rstd, float[] dw, float[] db,
                                            int r0, int r1, int c0, int c1, int C) {
        int vend = c0 + S.loopBound(c1 - c0);
        for (int r = r0; r < r1; r++) {
            int o = r * C;
            float m = mean[r], rs = rstd[r];
            FloatVector vm = FloatVector.broadcast(S, m), vr = FloatVector.broadcast(S, rs);
            int j = c0;
            for (; j < vend; j += L) {
                FloatVector d = FloatVector.fromArray(S, dout, o + j);
                FloatVector n = FloatVector.fromArray(S, x, o + j).sub(vm).mul(vr);
                d.fma(n, FloatVector.fromArray(S, dw, j)).intoArray(dw, j);
                if (db != null) d.add(FloatVector.fromArray(S, db, j)).intoArray(db, j);
            }
            for (; j < c1; j++) {
                float n = (x[o + j] - m) * rs;
                dw[j] = Math.fma(dout[o + j], n, dw[j]);
                if (db != null) db[j] += dout[o + j];
            }
        }
    }

    // ---- GELU (tanh approximation) ----
    // tanh(u) by a rational minimax approximation (Eigen's float tanh: odd degree-13 over even degree-6, clamped
    // to |u| <= 7.905, error a few ulp). Only +, *, /, min, max: the same bits whether the JIT has compiled the
    // loop or not, unlike lanewise(TANH/EXP), whose intrinsic and fallback differ. The tail uses the same formula.

    static final float GELU_K = ScalarKernels.GELU_K;
    static final float GELU_A = 0.044715f;
    static final float TANH_CLAMP = 7.90531110763549805f;
    static final float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f, A5 = 1.48572235717979e-05f,
            A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f, A11 = 2.00018790482477e-13f, A13 = -2.76076847742355e-16f;
    static final float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f, B4 = 1.18534705686654e-04f, B6 = 1.19825839466702e-06f;

    static FloatVector tanh(FloatVector u) {
        FloatVector x = u.max(-TANH_CLAMP).min(TANH_CLAMP);
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.mul(A13).add(A11);
        p = p.mul(x2).add(A9);
        p = p.mul(x2).add(A7);
        p = p.mul(x2).add(A5);
        p = p.mul(x2).add(A3);
        p = p.mul(x2).add(A1);
        p = p.mul(x);
        FloatVector q = x2.mul(B6).add(B4);
        q = q.mul(x2).add(B2);
        q = q.mul(x2).add(B0);
        return p.div(q);
    }

    static float tanh(float u) {
        float x = Math.min(Math.max(u, -TANH_CLAMP), TANH_CLAMP);
        float x2 = x * x;
        float p = x2 * A13 + A11;
        p = p * x2 + A9;
        p = p * x2 + A7;
        p = p * x2 + A5;
        p = p * x2 + A3;
        p = p * x2 + A1;
        p = p * x;
        float q = x2 * B6 + B4;
        q = q * x2 + B2;
        q = q * x2 + B0;
        return p / q;
    }

    // ---- tanh and sigmoid (recurrent gates, tanh MLPs) ----
    // Both through the rational tanh above: Math.tanh/Math.exp cost ~20 ns per element and dominated LSTM steps.
    // sigmoid(x) = 0.5 + 0.5 tanh(x/2) exactly; for x << 0 the sum cancels, leaving an absolute error of a few
    // 1e-8 rather than a relative one, which no gate notices.

    @Override
    public void tanhForward(float[] x, float[] out, int n) {
        try (Tanh t = Tanh.LOCAL.acquire()) {
            t.set(x, null, out);
            forBlocks(n, t);
        }
    }

    private static void tanhRange(float[] x, float[] out, int i0, int i1) {
        int i = i0, vend = i0 + S.loopBound(i1 - i0);
        for (; i < vend; i += L) tanh(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        for (; i < i1; i++) out[i] = tanh(x[i]);
    }

    @Override
    public void sigmoidForward(float[] x, float[] out, int n) {
        try (Sigmoid t = Sigmoid.LOCAL.acquire()) {
            t.set(x, null, out);
            forBlocks(n, t);
        }
    }

    private static void sigmoidRange(float[] x, float[] out, int i0, int i1) {
        int i = i0, vend = i0 + S.loopBound(i1 - i0);
        for (; i < vend; i += L) tanh(FloatVector.fromArray(S, x, i).mul(0.5f)).mul(0.5f).add(0.5f).intoArray(out, i);
        for (; i < i1; i++) out[i] = tanh(x[i] * 0.5f) * 0.5f + 0.5f;
    }

    @Override
    public void geluForward(float[] x, float[] out, int n) {
        try (Gelu t = Gelu.LOCAL.acquire()) {
            t.set(x, null, out);
            forBlocks(n, t);
        }
    }

    private static void geluForwardRange(float[] x, float[] out, int i0, int i1) {
        int i = i0, vend = i0 + S.loopBound(i1 - i0);
        for (; i < vend; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector u = v.mul(v).mul(GELU_A).add(1f).mul(v).mul(GELU_K);      // K (x + A x^3)
            v.mul(0.5f).mul(tanh(u).add(1f)).intoArray(out, i);
        }
        for (; i < i1; i++) {
            float v = x[i];
            float u = (v * v * GELU_A + 1f) * v * GELU_K;
            out[i] = v * 0.5f * (tanh(u) + 1f);
        }
    }

    @Override
    public void geluBackward(float[] x, float[] dout, float[] dx, int n) {
        try (GeluBackward t = GeluBackward.LOCAL.acquire()) {
            t.set(x, dout, dx);
            forBlocks(n, t);
        }
    }

    private static void geluBackwardRange(float[] x, float[] dout, float[] dx, int i0, int i1) {
        // gelu'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) K (1 + 3 A x^2)
        int i = i0, vend = i0 + S.loopBound(i1 - i0);
        for (; i < vend; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector v2 = v.mul(v);
            FloatVector t = tanh(v2.mul(GELU_A).add(1f).mul(v).mul(GELU_K));
            FloatVector du = v2.mul(3f * GELU_A).add(1f).mul(GELU_K);
            FloatVector g = t.add(1f).mul(0.5f).add(v.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(du));
            FloatVector.fromArray(S, dout, i).mul(g).add(FloatVector.fromArray(S, dx, i)).intoArray(dx, i);
        }
        for (; i < i1; i++) {
            float v = x[i], v2 = v * v;
            float t = tanh((v2 * GELU_A + 1f) * v * GELU_K);
            float du = (v2 * (3f * GELU_A) + 1f) * GELU_K;
            float g = (t + 1f) * 0.5f + v * 0.5f * (-(t * t) + 1f) * du;
            dx[i] = dout[i] * g + dx[i];
        }
    }

    /** Runs body over [0,n) in BLOCK-aligned pieces, split over the pool when n is large. */
    private static void forBlocks(int n, Blocks body) {
        if (n <= 0) return;
        if (n < PARALLEL_ELEMS) { body.range(0, n); return; }
        body.n = n;
        Parallel.forRange((n + BLOCK - 1) / BLOCK, body);
    }

    /** An elementwise body over element ranges; Parallel hands it ranges of blocks, [b0*BLOCK, min(n, b1*BLOCK)). */
    private abstract static class Blocks extends Task {
        int n;

        abstract void range(int i0, int i1);

        @Override
        public final void run(int b0, int b1) { range(b0 * BLOCK, Math.min(n, b1 * BLOCK)); }
    }

    /**
     * An elementwise op of up to two inputs (x, and dout for a backward) into out. One subclass per op, so each
     * op's loop is compiled on its own as its lambda was.
     */
    private abstract static class Elementwise extends Blocks {
        float[] x, dout, out;

        final void set(float[] x, float[] dout, float[] out) {
            this.x = x; this.dout = dout; this.out = out;
        }

        @Override void clear() { x = dout = out = null; }
    }

    private static final class Tanh extends Elementwise {
        static final Task.Local<Tanh> LOCAL = new Task.Local<>(Tanh::new);
        @Override void range(int i0, int i1) { tanhRange(x, out, i0, i1); }
    }

    private static final class Sigmoid extends Elementwise {
        static final Task.Local<Sigmoid> LOCAL = new Task.Local<>(Sigmoid::new);
        @Override void range(int i0, int i1) { sigmoidRange(x, out, i0, i1); }
    }

    private static final class Gelu extends Elementwise {
        static final Task.Local<Gelu> LOCAL = new Task.Local<>(Gelu::new);
        @Override void range(int i0, int i1) { geluForwardRange(x, out, i0, i1); }
    }

    /** dx (in out) += dout * gelu'(x). */
    private static final class GeluBackward extends Elementwise {
        static final Task.Local<GeluBackward> LOCAL = new Task.Local<>(GeluBackward::new);
        @Override void range(int i0, int i1) { geluBackwardRange(x, dout, out, i0, i1); }
    }

    // ---- BLAS-1 ----

    @Override
    public void addProduct(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] out, int outOff, int n) {
        int i = 0, vend = S.loopBound(n);
        for (; i < vend; i += L)
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i).mul(FloatVector.fromArray(S, c, cOff + i)))
                    .intoArray(out, outOff + i);
        for (; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i] * c[cOff + i];
    }

    @Override
    public void gruGateGrads(float[] dh, int dhOff, float[] rz, int rzOff, float[] n, int nOff, float[] h, int hOff,
                             float[] p, int pnOff, float[] g, int gOff, int H) {
        // the scalar default's operations in its order, no fma: the same bits
        int j = 0, vend = S.loopBound(H);
        for (; j < vend; j += L) {
            FloatVector gy = FloatVector.fromArray(S, dh, dhOff + j), r = FloatVector.fromArray(S, rz, rzOff + j);
            FloatVector z = FloatVector.fromArray(S, rz, rzOff + H + j), nv = FloatVector.fromArray(S, n, nOff + j);
            FloatVector oneMinusZ = FloatVector.broadcast(S, 1f).sub(z);
            FloatVector dnPre = gy.mul(oneMinusZ).mul(FloatVector.broadcast(S, 1f).sub(nv.mul(nv)));
            dnPre.mul(FloatVector.fromArray(S, p, pnOff + j)).mul(r).mul(FloatVector.broadcast(S, 1f).sub(r)).intoArray(g, gOff + j);
            gy.mul(FloatVector.fromArray(S, h, hOff + j).sub(nv)).mul(z).mul(oneMinusZ).intoArray(g, gOff + H + j);
            dnPre.intoArray(g, gOff + 2 * H + j);
            gy.mul(z).intoArray(dh, dhOff + j);
        }
        Kernels.gruGateGradsScalar(dh, dhOff, rz, rzOff, n, nOff, h, hOff, p, pnOff, g, gOff, H, j);
    }

    @Override
    public void lstmGateGrads(float[] dh, float[] dc, int o, float[] sig, int BH, float[] gt, float[] tc,
                              float[] cs, int cOff, float[] dp, int po, int H) {
        // the scalar default's operations in its order, no fma: the same bits
        int j = 0, vend = S.loopBound(H);
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (; j < vend; j += L) {
            FloatVector i = FloatVector.fromArray(S, sig, o + j), f = FloatVector.fromArray(S, sig, BH + o + j);
            FloatVector og = FloatVector.fromArray(S, sig, 2 * BH + o + j), g = FloatVector.fromArray(S, gt, o + j);
            FloatVector tcv = FloatVector.fromArray(S, tc, o + j), gy = FloatVector.fromArray(S, dh, o + j);
            FloatVector dcv = FloatVector.fromArray(S, dc, o + j).add(gy.mul(og).mul(one.sub(tcv.mul(tcv))));
            dcv.mul(g).mul(i).mul(one.sub(i)).intoArray(dp, po + j);
            dcv.mul(FloatVector.fromArray(S, cs, cOff + o + j)).mul(f).mul(one.sub(f)).intoArray(dp, po + H + j);
            dcv.mul(i).mul(one.sub(g.mul(g))).intoArray(dp, po + 2 * H + j);
            gy.mul(tcv).mul(og).mul(one.sub(og)).intoArray(dp, po + 3 * H + j);
            dcv.mul(f).intoArray(dc, o + j);
            zero.intoArray(dh, o + j);
        }
        Kernels.lstmGateGradsScalar(dh, dc, o, sig, BH, gt, tc, cs, cOff, dp, po, H, j);
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        Sgemm.axpy(alpha, x, xOff, y, yOff, n);
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        return Sgemm.dot(x, xOff, y, yOff, n);
    }

    // ---- AdamW ----

    @Override
    public void adamw(float[] p, float[] g, float[] m, float[] v, int off, int n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        try (AdamW t = AdamW.LOCAL.acquire()) {
            t.p = p; t.g = g; t.m = m; t.v = v; t.off = off;
            t.lr = lr; t.beta1 = beta1; t.beta2 = beta2; t.eps = eps; t.weightDecay = weightDecay; t.bc1 = bc1; t.bc2 = bc2;
            forBlocks(n, t);
        }
    }

    /** adamw's body: elements [off+i0, off+i1). */
    private static final class AdamW extends Blocks {
        static final Task.Local<AdamW> LOCAL = new Task.Local<>(AdamW::new);
        float[] p, g, m, v;
        int off;
        float lr, beta1, beta2, eps, weightDecay, bc1, bc2;

        @Override
        void range(int i0, int i1) {
            adamwRange(p, g, m, v, off + i0, off + i1, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        }

        @Override void clear() { p = g = m = v = null; }
    }

    private static void adamwRange(float[] p, float[] g, float[] m, float[] v, int i0, int i1,
                                   float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        float decay = 1f - lr * weightDecay;
        FloatVector vb1 = FloatVector.broadcast(S, beta1), vb1c = FloatVector.broadcast(S, 1f - beta1);
        FloatVector vb2 = FloatVector.broadcast(S, beta2), vb2c = FloatVector.broadcast(S, 1f - beta2);
        FloatVector vbc1 = FloatVector.broadcast(S, bc1), vbc2 = FloatVector.broadcast(S, bc2);
        FloatVector vdecay = FloatVector.broadcast(S, decay), vlr = FloatVector.broadcast(S, lr), veps = FloatVector.broadcast(S, eps);
        int i = i0, vend = i0 + S.loopBound(i1 - i0);
        for (; i < vend; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(vb1).add(gi.mul(vb1c));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(vb2).add(gi.mul(gi).mul(vb2c));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.div(vbc2).lanewise(VectorOperators.SQRT).add(veps);
            FloatVector upd = vlr.mul(mi.div(vbc1)).div(denom);
            FloatVector.fromArray(S, p, i).mul(vdecay).sub(upd).intoArray(p, i);
        }
        for (; i < i1; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + (1f - beta1) * gi;
            float vi = beta2 * v[i] + (1f - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = p[i] * decay - lr * (mi / bc1) / ((float) Math.sqrt(vi / bc2) + eps);
        }
    }
}
