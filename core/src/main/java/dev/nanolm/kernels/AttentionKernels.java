// Fused multi-head causal self-attention (nanoGPT's CausalSelfAttention core): forward and backward for qkv laid out
// as c_attn's output, one (batch, head) pair per task, plus attendOne for sampling with a KV cache.
package dev.nanolm.kernels;

import dev.nanolm.tensor.Rng;
import java.util.Arrays;

/**
 * The attention algorithm over a few primitives (a strided small GEMM, a causal softmax row and its backward) that
 * {@link ScalarAttention} (reference) and {@code VectorAttention} (Vector API) implement.
 *
 * <p>Layout: qkv (B,T,3C) is [q | k | v] along the last dim, head h in columns h*hs..(h+1)*hs of each part
 * (hs = C/nHead); y (B,T,C) holds head h's output in the same columns. For each (b,h):
 * att = softmax(q k^T / sqrt(hs), j > i masked), att_d = dropout(att), y = att_d v.
 *
 * <p>Determinism: each (b,h) pair is computed by one thread in a fixed order, every sum runs in a fixed order (no
 * lane reductions whose order depends on the JIT), and exp is computed with plain IEEE arithmetic, so results do not
 * depend on the thread count nor on whether code runs interpreted or compiled. Dropout draws from one Rng per (b,h),
 * seeded by the caller (see {@link #dropoutSeeds}), in row-major order over j <= i.
 *
 * <p>Buffers: the saved probabilities are (B*nHead, T, Tp) with Tp = T rounded up to {@link #lanes()}; everything
 * else lives in per-thread scratch sized once per (T, hs) and reused.
 */
public abstract class AttentionKernels {

    /**
     * Rows per GEMM block (the micro-tile height): a block's scores are computed, normalised and multiplied by v
     * while they are in cache.
     */
    static final int MR = 6;

    private static final AttentionKernels SCALAR = new ScalarAttention();
    private static final AttentionKernels DEFAULT = choose();

    private static AttentionKernels choose() {
        if (!"vector".equals(Kernels.get().name())) return SCALAR;
        try {
            return (AttentionKernels) Class.forName("dev.nanolm.kernels.VectorAttention").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return SCALAR; // Vector API module not added: correct but slow
        }
    }

    /** The implementation matching a kernel set: the vector one unless k is the scalar reference. */
    public static AttentionKernels of(Kernels k) {
        return k != null && "vector".equals(k.name()) ? DEFAULT : SCALAR;
    }

    /** The implementation matching {@link Kernels#get()}. */
    public static AttentionKernels get() { return DEFAULT; }

    /** "scalar" or "vector". */
    public abstract String name();

    // ---------------------------------------------------------------- primitives

    /** Padding granularity: rows of the saved probabilities and head columns in scratch are multiples of this. */
    abstract int lanes();

    /** Panel width of packed B operands: 2 * lanes(). */
    final int nr() { return 2 * lanes(); }

    /**
     * Cm[cOff + r*ldc + c] = alpha * (sum over k in [k0,k1), in increasing k, of A(r,k) * B(k,c)), the sum one fused
     * multiply-add per step from 0, for r < rows (<= MR), c < n (a multiple of lanes(); a started panel may be
     * computed whole). A is k-major: A(r,k) = A[aOff + (k-k0)*lda + r] (packed by {@link #packRows} with lda = MR,
     * or a column block of a row-major matrix); rows [rows, MR) may be read (they must be in bounds) but are not
     * stored. B is packed by {@link #packB} with K rows and N columns (Np = pad(N)). alpha = 1 changes nothing.
     */
    abstract void gemm(float[] A, int aOff, int lda, float[] bp, int K, int Np, int k0, int k1, int n, float alpha,
                       float[] Cm, int cOff, int ldc, int rows);

    /**
     * Row x[off, off+n) of scaled scores becomes its softmax; lanes [n, roundUp(n)) are set to 0 (they may hold
     * anything before). lanes[lanesOff, lanesOff+lanes()) is scratch.
     */
    abstract void softmaxRow(float[] x, int off, int n, float[] lanes, int lanesOff);

    /**
     * Softmax backward of one row, in place on D: with dP = D * M (M null: no dropout), D becomes
     * dS = P * (dP - sum_j dP_j P_j) * scale over [0,n), and 0 on [n, roundUp(n)). P is 0 on [n, roundUp(n)).
     */
    abstract void softmaxBackwardRow(float[] P, int pOff, float[] D, int dOff, float[] M, int mOff, int n, float scale,
                                     float[] lanes, int lanesOff);

    /** dst[dOff + t*ldd + d] += src[sOff + t*lds + d] for t < rows, d < n. */
    abstract void addRows(float[] src, int sOff, int lds, float[] dst, int dOff, int ldd, int rows, int n);

    /** out[outOff + d] = sum over t < len, in increasing t, of p[t] * v[vOff + t*ldv + d], d < hs (fused multiply-adds from 0). */
    abstract void weightedSum(float[] p, int len, float[] v, int vOff, int ldv, int hs, float[] out, int outOff);

    // ---------------------------------------------------------------- sizes

    /** Rows of a row-major matrix, k-major: ap[k*MR + r] = src[off + r*lds + k] for r < rows, k < kl; rows [rows, MR) are 0. */
    static void packRows(float[] src, int off, int lds, int rows, int kl, float[] ap) {
        if (rows == MR) {
            int s0 = off, s1 = s0 + lds, s2 = s1 + lds, s3 = s2 + lds, s4 = s3 + lds, s5 = s4 + lds;
            for (int k = 0; k < kl; k++) {
                int o = k * MR;
                ap[o] = src[s0 + k];
                ap[o + 1] = src[s1 + k];
                ap[o + 2] = src[s2 + k];
                ap[o + 3] = src[s3 + k];
                ap[o + 4] = src[s4 + k];
                ap[o + 5] = src[s5 + k];
            }
            return;
        }
        for (int k = 0; k < kl; k++) {
            for (int r = 0; r < rows; r++) ap[k * MR + r] = src[off + r * lds + k];
            for (int r = rows; r < MR; r++) ap[k * MR + r] = 0f;
        }
    }

    /**
     * The K x N matrix B(k,n) = src[off + k*ks + n*ns] as panels of nr() columns (zero padded to pad(N)): panel p
     * starts at p*K*nr(), row k of it at + k*w, with w = nr(), or lanes() for a last, narrower panel.
     */
    final void packB(float[] src, int off, int ks, int ns, int K, int N, float[] bp) {
        int nr = nr(), Np = pad(N);
        if (ks == 1) {
            // transposing: read each source column (contiguous in src) once, write it down the panel
            for (int c0 = 0; c0 < Np; c0 += nr) {
                int w = Math.min(nr, Np - c0), base = c0 * K, n1 = Math.min(N, c0 + w);
                for (int c = c0; c < n1; c++) {
                    int sc = off + c * ns, o = base + c - c0;
                    for (int k = 0; k < K; k++) bp[o + k * w] = src[sc + k];
                }
                for (int c = n1; c < c0 + w; c++) for (int k = 0; k < K; k++) bp[base + c - c0 + k * w] = 0f;
            }
            return;
        }
        for (int c0 = 0; c0 < Np; c0 += nr) {
            int w = Math.min(nr, Np - c0), base = c0 * K, n1 = Math.min(N, c0 + w);
            for (int k = 0; k < K; k++) {
                int o = base + k * w, sk = off + k * ks;
                int c = c0;
                if (ns == 1) {
                    for (; c < n1; c++) bp[o + c - c0] = src[sk + c];
                } else {
                    for (; c < n1; c++) bp[o + c - c0] = src[sk + c * ns];
                }
                for (; c < c0 + w; c++) bp[o + c - c0] = 0f;
            }
        }
    }

    final int pad(int n) {
        int l = lanes();
        return (n + l - 1) / l * l;
    }

    /** Floats needed for the probabilities saved by {@link #forward} for {@link #backward}. */
    public final long savedSize(int B, int T, int nHead) { return (long) B * nHead * T * pad(T) + MR; }

    /** Length of the scratch array {@link #attendOne} needs for len cached positions. */
    public final int scratchSize(int len) { return pad(Math.max(len, 1)) + lanes(); }

    /** One seed per (b,h) for dropout, drawn from rng in (b,h) order: the masks then do not depend on threads. */
    public static long[] dropoutSeeds(Rng rng, int B, int nHead) {
        return dropoutSeeds(rng, new long[B * nHead]);
    }

    /** Fills seeds (one per (b,h), B*nHead of them) from rng, in order; returns seeds. */
    public static long[] dropoutSeeds(Rng rng, long[] seeds) {
        for (int i = 0; i < seeds.length; i++) seeds[i] = rng.nextLong();
        return seeds;
    }

    // ---------------------------------------------------------------- forward

    /**
     * y (B,T,C) = attention of qkv (B,T,3C), overwriting y. att (length {@link #savedSize}) receives the softmax
     * probabilities (before dropout) for {@link #backward}, or is null when no backward will follow. seeds
     * (from {@link #dropoutSeeds}) turn on inverted dropout with probability p on the probabilities; null: none.
     */
    public final void forward(float[] qkv, float[] y, int B, int T, int C, int nHead, float[] att, long[] seeds, float p) {
        check(qkv, B, T, C, nHead);
        if (y.length < B * T * C) throw new IllegalArgumentException("y too short");
        if (att != null && att.length < savedSize(B, T, nHead)) throw new IllegalArgumentException("att too short");
        if (B * T * C == 0) return;
        try (Heads t = Heads.LOCAL.acquire()) {
            t.set(this, false, qkv, y, null, T, C, nHead, att, seeds, p);
            Parallel.forRange(B * nHead, t);
        }
    }

    /** forward's or backward's body: (b,h) pairs [s, e), with this thread's scratch. */
    private static final class Heads extends Task {
        static final Task.Local<Heads> LOCAL = new Task.Local<>(Heads::new);
        AttentionKernels impl;
        boolean backward;
        /** forward: qkv into out = y; backward: dy into out = dqkv. */
        float[] qkv, out, dy, att;
        long[] seeds;
        int T, C, nHead;
        float p;

        void set(AttentionKernels impl, boolean backward, float[] qkv, float[] out, float[] dy, int T, int C, int nHead,
                 float[] att, long[] seeds, float p) {
            this.impl = impl; this.backward = backward; this.qkv = qkv; this.out = out; this.dy = dy;
            this.T = T; this.C = C; this.nHead = nHead; this.att = att; this.seeds = seeds; this.p = p;
        }

        @Override
        public void run(int s, int e) {
            Work w = Work.get(impl, T, C / nHead);
            for (int bh = s; bh < e; bh++) {
                if (backward) impl.backwardHead(qkv, out, dy, T, C, nHead, bh, att, seeds, p, w);
                else impl.forwardHead(qkv, out, T, C, nHead, bh, att, seeds, p, w);
            }
        }

        @Override void clear() { qkv = out = dy = att = null; seeds = null; }
    }

    private void forwardHead(float[] qkv, float[] y, int T, int C, int nHead, int bh, float[] att, long[] seeds, float p, Work w) {
        int b = bh / nHead, h = bh % nHead, hs = C / nHead, C3 = 3 * C, Tp = pad(T), hsP = pad(hs);
        float scale = (float) (1.0 / Math.sqrt(hs));
        int row0 = b * T * C3 + h * hs; // q of (b, t=0, head h)
        float[] kt = w.bp1, v = w.bp2, ap = w.ap, O = w.o;
        packB(qkv, row0 + C, 1, C3, hs, T, kt);     // k^T: (hs, T)
        packB(qkv, row0 + 2 * C, C3, 1, T, hs, v);  // v: (T, hs)

        float[] P = att != null ? att : w.s;
        int pBase = att != null ? bh * T * Tp : 0;
        int out0 = b * T * C + h * hs;
        boolean direct = hs == hsP; // whole vectors per head: y rows are written by the GEMM itself
        float[] Pd = seeds != null ? w.pd : P;
        int pdBase = seeds != null ? 0 : pBase;
        Rng rng = seeds != null ? w.rng.reseed(seeds[bh]) : null;
        float keep = 1f / (1f - p);
        for (int i0 = 0; i0 < T; i0 += MR) {
            int i1 = Math.min(T, i0 + MR), rows = i1 - i0;
            // scores of rows [i0,i1) against keys [0,i1): the masked upper part is computed only within this block
            packRows(qkv, row0 + i0 * C3, C3, rows, hs, ap);
            gemm(ap, 0, MR, kt, hs, Tp, 0, hs, pad(i1), scale, P, pBase + i0 * Tp, Tp, rows);
            for (int i = i0; i < i1; i++) {
                int o = pBase + i * Tp;
                softmaxRow(P, o, i + 1, w.lanes, 0);
                zero(P, o + pad(i + 1), o + Math.min(T, i + MR)); // the next products read j in (i, i+MR) as zeros
                if (rng != null) {
                    int od = pdBase + i * Tp;
                    for (int j = 0; j <= i; j++) Pd[od + j] = rng.nextFloat() >= p ? P[o + j] * keep : 0f;
                    zero(Pd, od + i + 1, od + Math.min(T, i + MR));
                }
            }
            // y rows [i0,i1) = att_d[i0:i1, 0:i1] v[0:i1]
            packRows(Pd, pdBase + i0 * Tp, Tp, rows, i1, ap);
            if (direct) gemm(ap, 0, MR, v, T, hsP, 0, i1, hsP, 1f, y, out0 + i0 * C, C, rows);
            else gemm(ap, 0, MR, v, T, hsP, 0, i1, hsP, 1f, O, i0 * hsP, hsP, rows);
        }
        if (!direct) for (int t = 0; t < T; t++) System.arraycopy(O, t * hsP, y, out0 + t * C, hs);
    }

    // ---------------------------------------------------------------- backward

    /**
     * Accumulates (+=) into dqkv (B,T,3C) the gradient of y given dy (B,T,C), from the qkv, att and seeds of the
     * forward (same p).
     */
    public final void backward(float[] qkv, float[] dqkv, float[] dy, int B, int T, int C, int nHead, float[] att, long[] seeds, float p) {
        check(qkv, B, T, C, nHead);
        if (dqkv.length < qkv.length || dy.length < B * T * C) throw new IllegalArgumentException("dqkv or dy too short");
        if (att == null || att.length < savedSize(B, T, nHead)) throw new IllegalArgumentException("att missing or too short");
        if (B * T * C == 0) return;
        try (Heads t = Heads.LOCAL.acquire()) {
            t.set(this, true, qkv, dqkv, dy, T, C, nHead, att, seeds, p);
            Parallel.forRange(B * nHead, t);
        }
    }

    private void backwardHead(float[] qkv, float[] dqkv, float[] dy, int T, int C, int nHead, int bh, float[] att, long[] seeds, float p, Work w) {
        int b = bh / nHead, h = bh % nHead, hs = C / nHead, C3 = 3 * C, Tp = pad(T), hsP = pad(hs);
        float scale = (float) (1.0 / Math.sqrt(hs));
        int row0 = b * T * C3 + h * hs, dy0 = b * T * C + h * hs, pBase = bh * T * Tp;

        // The dropout mask again (same seed, same order), and att_d = att * mask.
        float[] M = null, Pd = att;
        int pdBase = pBase;
        if (seeds != null) {
            M = w.m;
            Pd = w.pd;
            pdBase = 0;
            Rng rng = w.rng.reseed(seeds[bh]);
            float keep = 1f / (1f - p);
            for (int i = 0; i < T; i++) {
                int o = i * Tp;
                for (int j = 0; j <= i; j++) {
                    M[o + j] = rng.nextFloat() >= p ? keep : 0f;
                    Pd[o + j] = att[pBase + o + j] * M[o + j];
                }
                zero(M, o + i + 1, o + pad(i + 1));
                zero(Pd, o + i + 1, o + Math.min(T, i + MR));
            }
        }

        float[] D = w.d, O = w.o, ap = w.ap, B1 = w.bp1, B2 = w.bp2;
        // Row blocks: dAtt_d = dy v^T, then dS (softmax backward through the mask, times scale), then dq = dS k.
        packB(qkv, row0 + 2 * C, 1, C3, hs, T, B1); // v^T: (hs, T)
        packB(qkv, row0 + C, C3, 1, T, hs, B2);     // k: (T, hs)
        for (int i0 = 0; i0 < T; i0 += MR) {
            int i1 = Math.min(T, i0 + MR), rows = i1 - i0;
            packRows(dy, dy0 + i0 * C, C, rows, hs, ap);
            gemm(ap, 0, MR, B1, hs, Tp, 0, hs, pad(i1), 1f, D, i0 * Tp, Tp, rows);
            for (int i = i0; i < i1; i++) {
                softmaxBackwardRow(att, pBase + i * Tp, D, i * Tp, M, i * Tp, i + 1, scale, w.lanes, 0);
                zero(D, i * Tp + pad(i + 1), i * Tp + Math.min(T, i + MR));
            }
            packRows(D, i0 * Tp, Tp, rows, i1, ap);
            gemm(ap, 0, MR, B2, T, hsP, 0, i1, hsP, 1f, O, i0 * hsP, hsP, rows);
        }
        addRows(O, 0, hsP, dqkv, row0, C3, T, hs);
        // Column blocks (rows i >= j only): dk = dS^T q, dv = att_d^T dy.
        packB(qkv, row0, C3, 1, T, hs, B1);         // q: (T, hs)
        for (int j0 = 0; j0 < T; j0 += MR) {
            int rows = Math.min(T, j0 + MR) - j0;
            gemm(D, j0 * Tp + j0, Tp, B1, T, hsP, j0, T, hsP, 1f, O, j0 * hsP, hsP, rows); // A(r,k) = dS[k, j0+r]
        }
        addRows(O, 0, hsP, dqkv, row0 + C, C3, T, hs);
        packB(dy, dy0, C, 1, T, hs, B2);            // dy: (T, hs)
        for (int j0 = 0; j0 < T; j0 += MR) {
            int rows = Math.min(T, j0 + MR) - j0;
            gemm(Pd, pdBase + j0 * Tp + j0, Tp, B2, T, hsP, j0, T, hsP, 1f, O, j0 * hsP, hsP, rows);
        }
        addRows(O, 0, hsP, dqkv, row0 + 2 * C, C3, T, hs);
    }

    /** a[from, to) = 0; nothing when from >= to. */
    private static void zero(float[] a, int from, int to) {
        if (from < to) Arrays.fill(a, from, to, 0f);
    }

    private static void check(float[] qkv, int B, int T, int C, int nHead) {
        if (B < 0 || T < 0 || C < 0 || nHead <= 0 || C % nHead != 0)
            throw new IllegalArgumentException("attention needs B, T, C >= 0 and C divisible by nHead, got B=" + B
                    + " T=" + T + " C=" + C + " nHead=" + nHead);
        if (qkv.length < (long) B * T * 3 * C) throw new IllegalArgumentException("qkv too short for (B,T,3C)");
    }

    // ---------------------------------------------------------------- sampling with a KV cache

    /**
     * Attention of one query position against len cached positions, all heads, no autograd: for each head h,
     * out[outOff + h*hs + d] = sum_t softmax_t(q_h . k_t,h / sqrt(hs)) v_t,h[d], t < len.
     * q holds the position's C query values at qOff (heads in nanoGPT's column order); kCache and vCache hold one
     * layer's keys and values as (len, C) row-major (row t at t*C; more rows may follow and are not read).
     * The new position's own key and value must already be in row len-1 (it attends to itself).
     * Uses the {@link #get() default} implementation and a per-thread scratch; no dropout (inference).
     * Gives the same values, bit for bit, as the last row of {@link #forward} over the same len positions.
     */
    public static void attendOne(float[] q, int qOff, float[] kCache, float[] vCache, int len, int nHead, int hs, int C,
                                 float[] out, int outOff) {
        AttentionKernels a = DEFAULT;
        float[] scratch = SCRATCH.get();
        if (scratch.length < a.scratchSize(len)) SCRATCH.set(scratch = new float[a.scratchSize(len)]);
        a.attendOne(q, qOff, kCache, vCache, len, nHead, hs, C, out, outOff, scratch);
    }

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /** {@link #attendOne(float[], int, float[], float[], int, int, int, int, float[], int)} with this implementation and the caller's scratch (length >= {@link #scratchSize}). */
    public final void attendOne(float[] q, int qOff, float[] kCache, float[] vCache, int len, int nHead, int hs, int C,
                                float[] out, int outOff, float[] scratch) {
        if (len <= 0) throw new IllegalArgumentException("attendOne needs at least one cached position, got " + len);
        if (nHead <= 0 || hs * nHead != C) throw new IllegalArgumentException("attendOne needs C = nHead * hs, got C=" + C + " nHead=" + nHead + " hs=" + hs);
        if (kCache.length < (long) len * C || vCache.length < (long) len * C)
            throw new IllegalArgumentException("KV cache holds fewer than " + len + " positions of " + C);
        if (scratch.length < scratchSize(len)) throw new IllegalArgumentException("scratch shorter than scratchSize(" + len + ")");
        float scale = (float) (1.0 / Math.sqrt(hs));
        int lanesOff = pad(len); // scratch: scores [0, pad(len)), then the softmax's lane buffer
        for (int h = 0; h < nHead; h++) {
            int qo = qOff + h * hs, ko = h * hs;
            // scaled scores, as forward's GEMM computes them: one fused multiply-add chain over d per key from 0, times scale
            int t = 0;
            for (; t + 4 <= len; t += 4) {
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int k0 = t * C + ko;
                for (int d = 0; d < hs; d++) {
                    float qd = q[qo + d];
                    s0 = Math.fma(qd, kCache[k0 + d], s0);
                    s1 = Math.fma(qd, kCache[k0 + C + d], s1);
                    s2 = Math.fma(qd, kCache[k0 + 2 * C + d], s2);
                    s3 = Math.fma(qd, kCache[k0 + 3 * C + d], s3);
                }
                scratch[t] = s0 * scale;
                scratch[t + 1] = s1 * scale;
                scratch[t + 2] = s2 * scale;
                scratch[t + 3] = s3 * scale;
            }
            for (; t < len; t++) {
                float s = 0;
                for (int d = 0; d < hs; d++) s = Math.fma(q[qo + d], kCache[t * C + ko + d], s);
                scratch[t] = s * scale;
            }
            softmaxRow(scratch, 0, len, scratch, lanesOff);
            weightedSum(scratch, len, vCache, ko, C, hs, out, outOff + h * hs);
        }
    }

    // ---------------------------------------------------------------- per-thread scratch

    /** Per-thread buffers for one (b,h) pair, grown when (T, hs) or the implementation needs more. */
    static final class Work {
        private static final ThreadLocal<Work> CURRENT = ThreadLocal.withInitial(Work::new);
        /** o: a head's output (T, hsP); ap: a packed A block; bp1, bp2: packed B operands; s, pd, m, d: (T, Tp). */
        float[] o = new float[0], ap = o, bp1 = o, bp2 = o, s = o, pd = o, m = o, d = o, lanes = new float[64];
        /** The dropout stream of the (b,h) pair at hand, reseeded per pair. */
        final Rng rng = new Rng(0);

        static Work get(AttentionKernels a, int T, int hs) {
            Work w = CURRENT.get();
            int Tp = a.pad(T), hsP = a.pad(hs);
            // + MR: a column block's last rows may be read past the end (computed, not stored)
            int th = Math.max(T * hsP, hs * Tp), tt = T * Tp + MR, ap = MR * Math.max(T, hs);
            if (w.o.length < th) { w.o = new float[th]; w.bp1 = new float[th]; w.bp2 = new float[th]; }
            if (w.ap.length < ap) w.ap = new float[ap];
            if (w.s.length < tt) { w.s = new float[tt]; w.pd = new float[tt]; w.m = new float[tt]; w.d = new float[tt]; }
            if (w.lanes.length < a.lanes()) w.lanes = new float[a.lanes()];
            return w;
        }
    }
}
