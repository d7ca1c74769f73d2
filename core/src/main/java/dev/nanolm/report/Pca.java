// Principal component analysis of a small matrix (rows = points), for drawing embeddings in 2-D: the covariance
// matrix's leading eigenvectors by power iteration with deflation, in double precision. No maths library needed
// for the sizes we have (a vocabulary of tens of rows, tens to hundreds of columns).
package dev.nanolm.report;

public final class Pca {
    /** components[i] is the i-th principal direction (unit length, largest entry positive); variances[i] its eigenvalue. */
    public record Result(double[][] components, double[] variances, double totalVariance, double[][] projected) {
        /** Share of the total variance that component i explains. */
        public double explained(int i) { return totalVariance > 0 ? variances[i] / totalVariance : 0; }
    }

    /** The first k principal components of the rows of x (n points, d dims), and the points projected onto them. */
    public static Result fit(double[][] x, int k) {
        int n = x.length;
        if (n == 0) throw new IllegalArgumentException("PCA needs at least one point");
        int d = x[0].length;
        if (k < 1 || k > d) throw new IllegalArgumentException("PCA: k must be in [1, " + d + "], got " + k);
        double[] mean = new double[d];
        for (double[] row : x) {
            if (row.length != d) throw new IllegalArgumentException("PCA: rows of different lengths");
            for (int j = 0; j < d; j++) mean[j] += row[j] / n;
        }
        double[][] cov = new double[d][d];
        for (double[] row : x)
            for (int a = 0; a < d; a++) {
                double ca = row[a] - mean[a];
                for (int b = a; b < d; b++) cov[a][b] += ca * (row[b] - mean[b]);
            }
        double total = 0;
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) {
                cov[a][b] /= Math.max(1, n - 1);
                cov[b][a] = cov[a][b];
            }
        for (int a = 0; a < d; a++) total += cov[a][a];

        double[][] comps = new double[k][];
        double[] vars = new double[k];
        double[][] work = new double[d][];
        for (int a = 0; a < d; a++) work[a] = cov[a].clone();
        for (int c = 0; c < k; c++) {
            double[] v = powerIteration(work, c);
            double lambda = rayleigh(work, v);
            comps[c] = v;
            vars[c] = Math.max(0, lambda);
            // deflate: work -= lambda v v^T, so the next power iteration finds the next direction
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) work[a][b] -= lambda * v[a] * v[b];
        }
        double[][] proj = new double[n][k];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += (x[i][j] - mean[j]) * comps[c][j];
                proj[i][c] = s;
            }
        return new Result(comps, vars, total, proj);
    }

    /** Same for float rows (a weight matrix stored row-major: rows x cols). */
    public static Result fit(float[] data, int rows, int cols, int k) {
        double[][] x = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) x[i][j] = data[i * cols + j];
        return fit(x, k);
    }

    private static double[] powerIteration(double[][] m, int seed) {
        int d = m.length;
        double[] v = new double[d];
        // a fixed start that is not orthogonal to any axis (deterministic, no RNG)
        for (int j = 0; j < d; j++) v[j] = 1.0 + 0.1 * Math.sin(1.7 * (j + 1) + seed);
        normalise(v);
        double[] w = new double[d];
        for (int it = 0; it < 10_000; it++) {
            for (int a = 0; a < d; a++) {
                double s = 0;
                for (int b = 0; b < d; b++) s += m[a][b] * v[b];
                w[a] = s;
            }
            double norm = normalise(w);
            if (norm < 1e-300) break; // the matrix is (numerically) zero on what is left: any unit vector will do
            double diff = 0;
            for (int j = 0; j < d; j++) diff = Math.max(diff, Math.abs(w[j] - v[j]));
            System.arraycopy(w, 0, v, 0, d);
            if (diff < 1e-12) break;
        }
        // a deterministic sign: the entry of largest magnitude is positive
        int big = 0;
        for (int j = 1; j < d; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
        if (v[big] < 0) for (int j = 0; j < d; j++) v[j] = -v[j];
        return v;
    }

    private static double rayleigh(double[][] m, double[] v) {
        double s = 0;
        for (int a = 0; a < m.length; a++) {
            double r = 0;
            for (int b = 0; b < m.length; b++) r += m[a][b] * v[b];
            s += v[a] * r;
        }
        return s;
    }

    private static double normalise(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        s = Math.sqrt(s);
        if (s > 0) for (int j = 0; j < v.length; j++) v[j] /= s;
        return s;
    }

    private Pca() {}
}
