// Incremental decoding of a BDH for sampling, in the recurrent form of its linear attention: per layer and head a
// state S (N,D) = sum over earlier positions s of rope(x_sparse_s)^T x_s, so position t reads rope(x_sparse_t) S
// (before adding its own term: strictly causal) and a token costs O(nh N D) per layer instead of a window's forward.
// Plain loops over the live parameter arrays, eval-mode arithmetic (no dropout); zero neurons are skipped.
package dev.nanolm.models;

import dev.nanolm.autograd.Ops;
import dev.nanolm.kernels.Kernels;
import dev.nanolm.tensor.Tensor;
import java.util.Arrays;

final class BdhDecoder implements LanguageModel.Decoder {
    private final BdhConfig c;
    private final int V, D, nh, N, L;
    private final Kernels k = Ops.kernels();
    private final Tensor embed, encoder, encoderV, decoder, lmHead;
    private final float[] cos, sin;
    private final float[][] state;                 // per layer: (nh, N, D)
    private final float[] x, xs, qr, ykv, ys, ymlp, ones, logits, mean = new float[1], rstd = new float[1];
    private int pos;

    BdhDecoder(BdhConfig c, Tensor embed, Tensor encoder, Tensor encoderV, Tensor decoder, Tensor lmHead, float[] cos, float[] sin) {
        this.c = c;
        V = c.vocabSize();
        D = c.nEmbd();
        nh = c.nHead();
        N = c.neuronsPerHead();
        L = c.nLayer();
        this.embed = embed;
        this.encoder = encoder;
        this.encoderV = encoderV;
        this.decoder = decoder;
        this.lmHead = lmHead;
        this.cos = cos;
        this.sin = sin;
        state = new float[L][nh * N * D];
        x = new float[D];
        xs = new float[nh * N];
        qr = new float[nh * N];
        ykv = new float[nh * D];
        ys = new float[nh * N];
        ymlp = new float[D];
        ones = new float[D];
        Arrays.fill(ones, 1f);
        logits = new float[V];
    }

    @Override public void reset() {
        for (float[] s : state) Arrays.fill(s, 0f);
        pos = 0;
    }

    @Override public int position() { return pos; }

    /** Runs token through every layer at the next position and returns the next-token logits (a fresh array). */
    @Override public float[] next(int token) {
        if (pos >= c.blockSize())
            throw new IllegalStateException("the RoPE tables hold " + c.blockSize() + " positions; reset and feed the last ones again");
        if (token < 0 || token >= V) throw new IllegalArgumentException("token " + token + " is out of range [0, " + V + ")");
        System.arraycopy(embed.data, token * D, x, 0, D);
        ln(x, 0, x);                                                    // x = ln(embed(idx))
        for (int l = 0; l < L; l++) {
            float[] S = state[l];
            encode(encoder, x, 0, xs);                                  // x_sparse (nh,N) = relu(x @ encoder)
            for (int h = 0; h < nh; h++) rope(xs, qr, h * N);
            Arrays.fill(ykv, 0f);
            for (int h = 0; h < nh; h++)
                for (int n = 0; n < N; n++) {
                    float q = qr[h * N + n];
                    if (q == 0f) continue;
                    int row = (h * N + n) * D;
                    k.axpy(q, S, row, ykv, h * D, D);                   // yKV_h = qr_h S_h (earlier positions only)
                    k.axpy(q, x, 0, S, row, D);                         // S_h += qr_h^T x
                }
            for (int h = 0; h < nh; h++) ln(ykv, h * D, ykv);
            Arrays.fill(ys, 0f);
            for (int h = 0; h < nh; h++) encodeHead(encoderV, h, ykv, h * D, ys);
            for (int i = 0; i < nh * N; i++) ys[i] = Math.max(ys[i], 0f) * xs[i]; // xy = x_sparse * relu(yKV @ encoder_v)
            Arrays.fill(ymlp, 0f);
            for (int i = 0; i < nh * N; i++) if (ys[i] != 0f) k.axpy(ys[i], decoder.data, i * D, ymlp, 0, D); // xy @ decoder
            ln(ymlp, 0, ymlp);
            for (int d = 0; d < D; d++) x[d] += ymlp[d];
            ln(x, 0, x);                                                // x = ln(x + ln(yMLP))
        }
        Arrays.fill(logits, 0f);
        for (int d = 0; d < D; d++) k.axpy(x[d], lmHead.data, d * V, logits, 0, V);
        pos++;
        return logits.clone();
    }

    /** out (nh*N) = relu(in (D) @ w_h (D,N)) for every head h. */
    private void encode(Tensor w, float[] in, int inOff, float[] out) {
        Arrays.fill(out, 0f);
        for (int h = 0; h < nh; h++) encodeHead(w, h, in, inOff, out);
        for (int i = 0; i < out.length; i++) out[i] = Math.max(out[i], 0f);
    }

    /** out[h*N..] += in[inOff..inOff+D] @ w_h with w (nh,D,N). */
    private void encodeHead(Tensor w, int h, float[] in, int inOff, float[] out) {
        for (int d = 0; d < D; d++) k.axpy(in[inOff + d], w.data, (h * D + d) * N, out, h * N, N);
    }

    /** Ops.rope at this position for one head's N values starting at off. */
    private void rope(float[] in, float[] out, int off) {
        int t = pos * N;
        for (int n = 0; n < N; n += 2) {
            float a = in[off + n], b = in[off + n + 1];
            out[off + n] = a * cos[t + n] - b * sin[t + n];
            out[off + n + 1] = b * cos[t + n + 1] + a * sin[t + n + 1];
        }
    }

    /** Affine-free LayerNorm of D values at off, in place (out is the same array). */
    private void ln(float[] v, int off, float[] out) {
        float[] row = Arrays.copyOfRange(v, off, off + D), normed = new float[D];
        k.layerNormForward(row, ones, null, normed, mean, rstd, 1, D, Bdh.LN_EPS);
        System.arraycopy(normed, 0, out, off, D);
    }
}
