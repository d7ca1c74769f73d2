// Packed, register-blocked SGEMM on the Vector API (PERF-NOTES "A design that worked", sized at run time for the
// preferred species): an MR x 2-vector micro-kernel over k-major packed panels; NN, NT and TN differ only in packing.
package dev.nanolm.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;

final class Sgemm {
    static final VectorSpecies<Float> S = VectorKernels.S;
    static final int L = S.length();
    /** Micro-tile: MR rows x NR columns; 6 x 2 vectors = 12 accumulators + 2 B vectors + 1 broadcast fits 16 ymm. */
    static final int MR = 6;
    static final int NR = 2 * L;
    /**
     * Longest K block (blocks are balanced: K=1024 gives 2 x 512). Each block after the first reloads and stores C, a
     * cache miss per tile on big C; 512 halves those against 256 and measured as fast or faster (the B panel,
     * KC x NR floats = 32 KB, then streams from L2, which the 6x16 tile's 15 bytes per cycle allows).
     */
    static final int KC = 512;
    /** Row block (multiple of MR): the packed A block (MC x KC floats) stays in L2 across all B panels. */
    static final int MC = 96;
    /** Below this M*N*K, packing costs more than it saves: plain vectorised loops (measured: packing wins from 8^3). */
    static final long SMALL = 8L * 8 * 8;
    /** Up to this many rows of C, plain loops beat packing B (which costs as much as M=1 rows of compute). */
    static final int DIRECT_M = 2;
    /**
     * Below this M*N*K (~25 us on one core) a second thread did not pay for its wake-up in measurements; callers
     * with many such products (attention per head) should split their batch loop with Parallel.forRange instead.
     */
    static final long PARALLEL_MIN = 1L << 20;

    static final int NN = 0, NT = 1, TN = 2;

    private Sgemm() {}

    // ---- per-thread state: the job description of a caller; the packed blocks and edge tile of every thread ----

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);
    private static final ThreadLocal<Local> LOCALS = ThreadLocal.withInitial(Local::new);

    /** A thread's packing buffers, grown when needed and then reused (no allocation in steady state). */
    private static final class Local {
        float[] ap = new float[0], bp = new float[0];
        final float[] tile = new float[MR * NR];

        float[] ap(int size) {
            if (ap.length < size) ap = new float[size];
            return ap;
        }

        float[] bp(int size) {
            if (bp.length < size) bp = new float[size];
            return bp;
        }
    }

    /** One call's parameters and the bodies Parallel runs; reused so a steady-state call allocates nothing. */
    private static final class Job {
        int layout;
        float[] a, b, c;
        int aOff, bOff, cOff, M, N, K, panels, nkb;
        boolean accumulate;
        /** op(B) already packed (all K blocks, see pack), or null: each thread packs its panels per call. */
        float[] packed;
        /** Row split: the K block being computed, rows per claim, number of claims, next claim to hand out. */
        int kb, claimRows, claims;
        final AtomicInteger nextClaim = new AtomicInteger();
        final Parallel.RangeBody rowClaims = (t0, t1) -> claimRows();
        final Parallel.RangeBody panelRange = (p0, p1) -> panels(p0, p1);
        final Parallel.RangeBody columnRange = (p0, p1) -> small(layout, a, aOff, b, bOff, c, cOff, M, N, K, accumulate,
                p0 * NR, Math.min(N, p1 * NR));

        void clear() { a = b = c = packed = null; }

        int k0(int kb) { return (int) ((long) K * kb / nkb); } // balanced K blocks: block kb is [k0(kb), k0(kb+1))

        /**
         * Row split, one K block: pack all of B's block for this thread, then take row blocks from a shared counter
         * until none is left. Whoever computes a row block computes it the same way, so the split changes no bit;
         * taking blocks as they come keeps both cores busy when one of them is shared with another process.
         */
        void claimRows() {
            if (nextClaim.get() >= claims) return; // all taken (a chunk the caller took back late)
            Local loc = LOCALS.get();
            int k0 = k0(kb), kc = k0(kb + 1) - k0;
            boolean add = accumulate || kb > 0;
            float[] ap = loc.ap(MC * kc), bp = packed != null ? packed : loc.bp(panels * kc * NR);
            int bpOff = packed != null ? k0 * panels * NR : 0;
            if (packed == null) for (int p = 0; p < panels; p++) packB(this, k0, kc, p, bp, p * kc * NR);
            for (int blk; (blk = nextClaim.getAndIncrement()) < claims; ) {
                int ic = blk * claimRows;
                rowBlock(k0, kc, add, ic, Math.min(M, ic + claimRows), 0, panels, ap, bp, bpOff, 0, loc.tile);
            }
        }

        /** Column split (N > M), panels [p0,p1) on this thread for all K blocks: pack them, then every row block. */
        void panels(int p0, int p1) {
            if (p0 >= p1) return;
            Local loc = LOCALS.get();
            int kcMax = (K + nkb - 1) / nkb;
            float[] ap = loc.ap(MC * kcMax), bp = packed != null ? packed : loc.bp((p1 - p0) * kcMax * NR);
            for (int kb = 0; kb < nkb; kb++) {
                int k0 = k0(kb), kc = k0(kb + 1) - k0;
                boolean add = accumulate || kb > 0;
                if (packed == null) for (int p = p0; p < p1; p++) packB(this, k0, kc, p, bp, (p - p0) * kc * NR);
                int bpOff = packed != null ? k0 * panels * NR : 0, pFirst = packed != null ? 0 : p0;
                for (int ic = 0; ic < M; ic += MC)
                    rowBlock(k0, kc, add, ic, Math.min(M, ic + MC), p0, p1, ap, bp, bpOff, pFirst, loc.tile);
            }
        }

        /**
         * Rows [ic,ie) x panels [p0,p1) for one K block (panel p packed in bp at bpOff + (p - pFirst)*kc*NR): pack A,
         * then the micro-kernel per tile.
         */
        void rowBlock(int k0, int kc, boolean add, int ic, int ie, int p0, int p1, float[] ap, float[] bp, int bpOff,
                      int pFirst, float[] scratch) {
            packABlock(this, k0, kc, ic, ie, ap);
            for (int p = p0; p < p1; p++) {
                int bBase = bpOff + (p - pFirst) * kc * NR;
                for (int i0 = ic, s = 0; i0 < ie; i0 += MR, s++)
                    tile(this, kc, add, ap, s * kc * MR, bp, bBase, i0, Math.min(MR, ie - i0), p * NR, scratch);
            }
        }
    }

    // ---- entry point ----

    static void gemm(int layout, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                     int M, int N, int K, boolean accumulate) {
        gemm(layout, a, aOff, b, bOff, null, c, cOff, M, N, K, accumulate);
    }

    /**
     * op(B) (NN: b (K,N); NT: b (N,K)) packed once, all K blocks in order (block kb's panels from k0(kb)*panels*NR),
     * for many products with it (a recurrent weight at every step). The products then give the same bits as gemm.
     */
    static float[] pack(int layout, float[] b, int bOff, int N, int K) {
        return pack(layout, b, bOff, N, K, new float[(N + NR - 1) / NR * K * NR]);
    }

    /** pack into bp (of pack's size), e.g. again after b changed (a recurrent weight after an update): no garbage. */
    static float[] pack(int layout, float[] b, int bOff, int N, int K, float[] bp) {
        if (layout == TN) throw new IllegalArgumentException("pack: B of the TN layout is packed like NN's; pass NN");
        if (bp.length != (long) (N + NR - 1) / NR * K * NR)
            throw new IllegalArgumentException("pack: " + bp.length + " floats do not fit N=" + N + " K=" + K);
        Job j = PACK_JOBS.get(); // its own per-thread job: a gemm's job may be in use on this thread
        j.layout = layout; j.b = b; j.bOff = bOff; j.N = N; j.K = K;
        j.panels = (N + NR - 1) / NR;
        j.nkb = Math.max(1, (K + KC - 1) / KC);
        for (int kb = 0; kb < j.nkb; kb++) {
            int k0 = j.k0(kb), kc = j.k0(kb + 1) - k0;
            for (int p = 0; p < j.panels; p++) packB(j, k0, kc, p, bp, k0 * j.panels * NR + p * kc * NR);
        }
        j.b = null;
        return bp;
    }

    private static final ThreadLocal<Job> PACK_JOBS = ThreadLocal.withInitial(Job::new);

    /** gemm with op(B) from pack(layout, b, bOff, N, K) (b kept for the small cases that do not use panels). */
    static void gemm(int layout, float[] a, int aOff, float[] b, int bOff, float[] packed, float[] c, int cOff,
                     int M, int N, int K, boolean accumulate) {
        check(a, aOff, b, bOff, c, cOff, M, N, K);
        if (packed != null && packed.length != (long) (N + NR - 1) / NR * K * NR)
            throw new IllegalArgumentException("packed B of " + packed.length + " floats does not fit N=" + N + " K=" + K);
        if (M == 0 || N == 0) return;
        if (K == 0) {
            if (!accumulate) for (int i = 0; i < M; i++) java.util.Arrays.fill(c, cOff + i * N, cOff + i * N + N, 0f);
            return;
        }
        long work = (long) M * N * K;
        int grain = work < PARALLEL_MIN ? Integer.MAX_VALUE : 1;
        if (work < SMALL) {
            small(layout, a, aOff, b, bOff, c, cOff, M, N, K, accumulate, 0, N);
            return;
        }
        Job job = JOBS.get();
        job.layout = layout;
        job.a = a; job.aOff = aOff; job.b = b; job.bOff = bOff; job.c = c; job.cOff = cOff;
        job.M = M; job.N = N; job.K = K; job.accumulate = accumulate;
        job.packed = M <= DIRECT_M ? null : packed;
        job.panels = (N + NR - 1) / NR;
        job.nkb = (K + KC - 1) / KC;
        int threads = Parallel.threads();
        try {
            if (M <= DIRECT_M) {
                // One or two rows (generation, one token at a time): packing B would cost as much as the product.
                Parallel.forRange(job.panels, grain, job.columnRange);
            } else if (threads > 1 && grain == 1 && N > M) {
                // Split the longer side: each thread packs all of the other operand's block for itself, which costs
                // 1/(its share of the split side) of its compute.
                Parallel.forRange(job.panels, job.panelRange);
            } else {
                // Row blocks handed out by a counter: about 4 per thread (whole 6-row slices, at most MC rows).
                job.claimRows = threads == 1 || grain > 1 ? MC : Math.max(MR, Math.min(MC, M / (4 * threads) / MR * MR));
                job.claims = (M + job.claimRows - 1) / job.claimRows;
                for (int kb = 0; kb < job.nkb; kb++) {
                    job.kb = kb;
                    job.nextClaim.set(0);
                    Parallel.forRange(threads, grain, job.rowClaims); // one body per thread; K blocks in order
                }
            }
        } finally {
            job.clear(); // do not keep the caller's arrays reachable
        }
    }

    private static void check(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int M, int N, int K) {
        if (M < 0 || N < 0 || K < 0) throw new IllegalArgumentException("negative matmul size M=" + M + " N=" + N + " K=" + K);
        if (aOff < 0 || bOff < 0 || cOff < 0) throw new IllegalArgumentException("negative offset");
        if (aOff + (long) M * K > a.length) throw new IllegalArgumentException("a too small: off " + aOff + " + " + M + "x" + K + " > " + a.length);
        if (bOff + (long) K * N > b.length) throw new IllegalArgumentException("b too small: off " + bOff + " + " + K + "x" + N + " > " + b.length);
        if (cOff + (long) M * N > c.length) throw new IllegalArgumentException("c too small: off " + cOff + " + " + M + "x" + N + " > " + c.length);
    }

    // ---- packing: the only place the three layouts differ ----

    /** Packs panel p (columns [p*NR, p*NR+NR), zero padded) of op(B) for rows [k0, k0+kc) into bp[dst..], k-major. */
    static void packB(Job j, int k0, int kc, int p, float[] bp, int dst) {
        int j0 = p * NR, nr = Math.min(NR, j.N - j0), N = j.N, K = j.K;
        float[] b = j.b;
        if (j.layout == NT) {
            // b is (N,K): column n of op(B) is row n of b
            for (int jj = 0; jj < nr; jj++) {
                int src = j.bOff + (j0 + jj) * K + k0;
                for (int k = 0; k < kc; k++) bp[dst + k * NR + jj] = b[src + k];
            }
            if (nr < NR) for (int k = 0; k < kc; k++) java.util.Arrays.fill(bp, dst + k * NR + nr, dst + k * NR + NR, 0f);
        } else {
            // b is (K,N)
            int src = j.bOff + k0 * N + j0;
            if (nr == NR) {
                for (int k = 0; k < kc; k++, src += N) {
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst + k * NR);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + k * NR + L);
                }
            } else {
                for (int k = 0; k < kc; k++, src += N) {
                    System.arraycopy(b, src, bp, dst + k * NR, nr);
                    java.util.Arrays.fill(bp, dst + k * NR + nr, dst + k * NR + NR, 0f);
                }
            }
        }
    }

    /** Packs rows [i0, i1) of op(A) for columns [k0, k0+kc) as consecutive MR-row slices (the last zero padded), k-major. */
    static void packABlock(Job j, int k0, int kc, int i0, int i1, float[] ap) {
        float[] a = j.a;
        int fullEnd = i0 + (i1 - i0) / MR * MR;
        if (j.layout == TN) {
            // a is (K,M): row i of op(A) is column i of a. Walk a row of a once, dealing 6 floats to each slice:
            // one pass over a's memory instead of one per slice (rows of a are M floats apart, often pages apart).
            int M = j.M;
            for (int k = 0; k < kc; k++) {
                int src = j.aOff + (k0 + k) * M + i0, d = k * MR;
                for (int i = i0; i < fullEnd; i += MR, src += MR, d += kc * MR) {
                    ap[d] = a[src]; ap[d + 1] = a[src + 1]; ap[d + 2] = a[src + 2];
                    ap[d + 3] = a[src + 3]; ap[d + 4] = a[src + 4]; ap[d + 5] = a[src + 5];
                }
                if (fullEnd < i1) {
                    int mr = i1 - fullEnd;
                    for (int r = 0; r < MR; r++) ap[d + r] = r < mr ? a[src + r] : 0f;
                }
            }
        } else {
            // a is (M,K): each row of a is contiguous in k. Read the slice's 6 rows side by side and write the
            // slice in order (6 sequential reads, one sequential write): 30% faster than a row at a time written
            // 6 floats apart (measured for M=32, K=1024: 11.4 vs 16 us, which every thread of a column split pays)
            int K = j.K;
            for (int i = i0, dst = 0; i < i1; i += MR, dst += kc * MR) {
                int mr = Math.min(MR, i1 - i);
                if (mr == MR) {
                    int s0 = j.aOff + i * K + k0, s1 = s0 + K, s2 = s1 + K, s3 = s2 + K, s4 = s3 + K, s5 = s4 + K;
                    for (int k = 0, d = dst; k < kc; k++, d += MR) {
                        ap[d] = a[s0 + k]; ap[d + 1] = a[s1 + k]; ap[d + 2] = a[s2 + k];
                        ap[d + 3] = a[s3 + k]; ap[d + 4] = a[s4 + k]; ap[d + 5] = a[s5 + k];
                    }
                } else {
                    for (int r = 0; r < mr; r++) {
                        int src = j.aOff + (i + r) * K + k0;
                        for (int k = 0; k < kc; k++) ap[dst + k * MR + r] = a[src + k];
                    }
                    for (int r = mr; r < MR; r++) for (int k = 0; k < kc; k++) ap[dst + k * MR + r] = 0f;
                }
            }
        }
    }

    // ---- compute ----

    /** One MR x NR tile of C at (i0, j0); edge tiles go through a scratch tile so the micro-kernel never masks. */
    private static void tile(Job j, int kc, boolean add, float[] ap, int aBase, float[] bp, int bBase, int i0, int mr, int j0, float[] scratch) {
        int N = j.N;
        int nr = Math.min(NR, N - j0);
        int cIdx = j.cOff + i0 * N + j0;
        if (mr == MR && nr == NR) {
            kernel(ap, aBase, bp, bBase, kc, j.c, cIdx, N, add);
        } else {
            kernel(ap, aBase, bp, bBase, kc, scratch, 0, NR, false);
            float[] c = j.c;
            for (int r = 0; r < mr; r++) {
                int ci = cIdx + r * N, ti = r * NR;
                if (add) for (int jj = 0; jj < nr; jj++) c[ci + jj] += scratch[ti + jj];
                else System.arraycopy(scratch, ti, c, ci, nr);
            }
        }
    }

    /**
     * The micro-kernel: C[0..6, 0..NR) (+)= Apanel(6 x kc) * Bpanel(kc x NR). Per k: 2 vector loads of B,
     * 6 broadcasts of A, 12 FMAs into accumulators held in registers.
     */
    static void kernel(float[] ap, int aBase, float[] bp, int bBase, int kc, float[] c, int cIdx, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        // Loop on the A index itself: C2 then emits ~10% fewer instructions per step than with a separate k
        // (measured in-L1: 101 vs 91 GFLOPS, against a 103 GFLOPS FMA peak on this machine).
        int aEnd = aBase + kc * MR;
        for (int ai = aBase, bi = bBase; ai < aEnd; ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
        }
        // Written out rather than via a helper taking vectors: a non-inlined call would box all 12 (PERF: C2
        // stopped inlining such a helper after a recompilation and the kernel fell to a third of its speed).
        int c1 = cIdx + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, cIdx)); c01 = c01.add(FloatVector.fromArray(S, c, cIdx + L));
            c10 = c10.add(FloatVector.fromArray(S, c, c1)); c11 = c11.add(FloatVector.fromArray(S, c, c1 + L));
            c20 = c20.add(FloatVector.fromArray(S, c, c2)); c21 = c21.add(FloatVector.fromArray(S, c, c2 + L));
            c30 = c30.add(FloatVector.fromArray(S, c, c3)); c31 = c31.add(FloatVector.fromArray(S, c, c3 + L));
            c40 = c40.add(FloatVector.fromArray(S, c, c4)); c41 = c41.add(FloatVector.fromArray(S, c, c4 + L));
            c50 = c50.add(FloatVector.fromArray(S, c, c5)); c51 = c51.add(FloatVector.fromArray(S, c, c5 + L));
        }
        c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + L);
        c10.intoArray(c, c1); c11.intoArray(c, c1 + L);
        c20.intoArray(c, c2); c21.intoArray(c, c2 + L);
        c30.intoArray(c, c3); c31.intoArray(c, c3 + L);
        c40.intoArray(c, c4); c41.intoArray(c, c4 + L);
        c50.intoArray(c, c5); c51.intoArray(c, c5 + L);
    }

    // ---- small problems: vectorised loops, no packing, no threads ----

    /** C[:, j0..j1) by plain vectorised loops: dot products for NT, rows of B scaled and added for NN and TN. */
    static void small(int layout, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                      int M, int N, int K, boolean accumulate, int j0, int j1) {
        int w = j1 - j0;
        for (int i = 0; i < M; i++) {
            int ci = cOff + i * N + j0;
            if (layout == NT) {
                for (int jj = 0; jj < w; jj++) {
                    float s = dot(a, aOff + i * K, b, bOff + (j0 + jj) * K, K);
                    c[ci + jj] = accumulate ? c[ci + jj] + s : s;
                }
            } else {
                if (!accumulate) java.util.Arrays.fill(c, ci, ci + w, 0f);
                for (int k = 0; k < K; k++) {
                    float aik = layout == TN ? a[aOff + k * M + i] : a[aOff + i * K + k];
                    axpy(aik, b, bOff + k * N + j0, c, ci, w);
                }
            }
        }
    }

    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(S, alpha);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            av.fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    static float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0, bound2 = n - 2 * L + 1, bound = S.loopBound(n);
        for (; i < bound2; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
            acc1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), acc1);
        }
        for (; i < bound; i += L) acc0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc0);
        // Lane order (reduceLanes may reassociate on JDK 25). Stored here, not passed to sumLanes(FloatVector): this
        // call site runs once per call, so C2 on JDK 17 finds it cold, does not inline sumLanes and boxes the vector
        // to pass it (a float[] and a vector object per call). Only the array crosses the call now.
        float[] lanes = VectorKernels.LANES.get();
        acc0.add(acc1).intoArray(lanes, 0);
        float s = VectorKernels.sumLanes(lanes);
        for (; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }
}
