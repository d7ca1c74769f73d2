// What every comparison test needs around each test: a fresh libtorch manager `m` (closed after the test, freeing
// every array made in it) and an empty nanolm tape before and after.
package dev.nanolm.peer;

import ai.djl.ndarray.NDManager;
import dev.nanolm.autograd.Tape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

abstract class PeerTest {
    protected NDManager m;

    // JUnit runs these before a subclass's @BeforeEach and after its @AfterEach; the names are not reused there
    @BeforeEach final void openManager() {
        m = Torch.manager();
        Tape.reset();
    }

    @AfterEach final void closeManager() {
        Tape.reset();
        m.close();
    }
}
