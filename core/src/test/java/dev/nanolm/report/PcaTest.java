// PCA recovers known principal directions and variances, and projects onto them.
package dev.nanolm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaTest {
    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void recoversTheDirectionsOfAnExactlyKnownCloud() {
        // points +-3u and +-1v (u, v orthonormal in 3-D, u off the axes), shifted by a mean; with the n-1 divisor
        // var_u = (9+9)/(4-1) = 6, var_v = (1+1)/3 = 2/3, nothing along the third direction
        double s = Math.sqrt(0.5);
        double[] u = {s, s, 0}, v = {0, 0, 1}, mean = {5, -2, 7};
        double[][] x = new double[4][3];
        double[][] coef = {{3, 0}, {-3, 0}, {0, 1}, {0, -1}};
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) x[i][j] = mean[j] + coef[i][0] * u[j] + coef[i][1] * v[j];
        Pca.Result r = Pca.fit(x, 2);
        assertEquals(1.0, Math.abs(dot(r.components()[0], u)), 1e-9);
        assertEquals(1.0, Math.abs(dot(r.components()[1], v)), 1e-9);
        assertEquals(6.0, r.variances()[0], 1e-9);
        assertEquals(2.0 / 3.0, r.variances()[1], 1e-9);
        assertEquals(1.0, r.explained(0) + r.explained(1), 1e-9);
        // projections are the coefficients (up to the sign of each component)
        for (int i = 0; i < 4; i++) {
            assertEquals(Math.abs(coef[i][0]), Math.abs(r.projected()[i][0]), 1e-9);
            assertEquals(Math.abs(coef[i][1]), Math.abs(r.projected()[i][1]), 1e-9);
        }
    }

    @Test
    void recoversDirectionsOfARandomAnisotropicCloud() {
        // 10-D Gaussian with standard deviations 5, 3, 1, 0.5, ... along a random orthonormal basis
        int d = 10, n = 4000;
        Random rng = new Random(3);
        double[][] basis = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) basis[i][j] = rng.nextGaussian();
            for (int k = 0; k < i; k++) { // Gram-Schmidt
                double p = dot(basis[i], basis[k]);
                for (int j = 0; j < d; j++) basis[i][j] -= p * basis[k][j];
            }
            double norm = Math.sqrt(dot(basis[i], basis[i]));
            for (int j = 0; j < d; j++) basis[i][j] /= norm;
        }
        double[] sd = {5, 3, 1, 0.5, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1};
        float[] data = new float[n * d];
        for (int p = 0; p < n; p++)
            for (int i = 0; i < d; i++) {
                double c = sd[i] * rng.nextGaussian();
                for (int j = 0; j < d; j++) data[p * d + j] += (float) (c * basis[i][j]);
            }
        Pca.Result r = Pca.fit(data, n, d, 2);
        assertTrue(Math.abs(dot(r.components()[0], basis[0])) > 0.999, "PC1 " + dot(r.components()[0], basis[0]));
        assertTrue(Math.abs(dot(r.components()[1], basis[1])) > 0.995, "PC2 " + dot(r.components()[1], basis[1]));
        assertEquals(25, r.variances()[0], 25 * 0.08);
        assertEquals(9, r.variances()[1], 9 * 0.08);
        assertEquals(0.0, dot(r.components()[0], r.components()[1]), 1e-9);
    }
}
