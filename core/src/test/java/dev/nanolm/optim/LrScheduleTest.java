// Learning-rate schedules against nanoGPT's get_lr and makemore's step decay.
package dev.nanolm.optim;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void cosineWithWarmupFollowsNanoGpt() {
        LrSchedule s = LrSchedule.cosineWithWarmup(1e-3f, 1e-4f, 10, 110);
        assertEquals(1e-3 * 1 / 11, s.lr(0), 1e-9);          // first warmup step
        assertEquals(1e-3 * 10 / 11, s.lr(9), 1e-9);         // last warmup step
        assertEquals(1e-3, s.lr(10), 1e-9);                  // peak
        assertEquals(1e-4 + 0.5 * 9e-4, s.lr(60), 1e-9);     // middle: cos(pi/2) = 0
        assertEquals(1e-4 + 0.5 * (1 + Math.cos(Math.PI * 0.25)) * 9e-4, s.lr(35), 1e-9);
        assertEquals(1e-4, s.lr(110), 1e-9);                 // end of decay
        assertEquals(1e-4f, s.lr(5000));                      // after decay
        for (long it = 10; it < 110; it++) assertTrue(s.lr(it + 1) <= s.lr(it), "monotone decay at " + it);
    }

    @Test
    void cosineWithoutWarmupStartsAtPeak() {
        LrSchedule s = LrSchedule.cosineWithWarmup(6e-4f, 6e-5f, 0, 100);
        assertEquals(6e-4, s.lr(0), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosineWithWarmup(1f, 0f, 10, 10));
    }

    @Test
    void stepsIsPiecewiseConstant() {
        LrSchedule s = LrSchedule.steps(0.1f, new long[] {150_000}, new float[] {0.01f});
        assertEquals(0.1f, s.lr(0));
        assertEquals(0.1f, s.lr(149_999));
        assertEquals(0.01f, s.lr(150_000));
        assertEquals(0.01f, s.lr(199_999));
        LrSchedule three = LrSchedule.steps(1f, new long[] {10, 20}, new float[] {0.5f, 0.25f});
        assertEquals(1f, three.lr(9));
        assertEquals(0.5f, three.lr(19));
        assertEquals(0.25f, three.lr(20));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.steps(1f, new long[] {20, 10}, new float[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.steps(1f, new long[] {10}, new float[] {1, 2}));
    }

    @Test
    void constant() {
        assertEquals(3e-4f, LrSchedule.constant(3e-4f).lr(123_456));
    }
}
