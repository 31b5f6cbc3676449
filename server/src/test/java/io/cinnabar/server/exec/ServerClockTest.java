package io.cinnabar.server.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerClockTest {
    @Test
    void millisAtStaysWithinAMillisecondOfTheWallClock() {
        ServerClock clock = new ServerClock();
        for (int i = 0; i < 200_000; i++) {
            long before = clock.millis();
            long at = clock.millisAt(System.nanoTime());
            long after = clock.millis();
            assertTrue(at >= before - 1 && at <= after, () -> before + " <= " + at + " <= " + after);
        }
    }

    @Test
    void millisAtSeesAnAdvanceAtOnce() {
        ServerClock clock = new ServerClock();
        long nanos = System.nanoTime();
        long first = clock.millisAt(nanos);
        clock.advance(Duration.ofSeconds(10));
        assertEquals(first + 10_000, clock.millisAt(nanos));
    }

    @Test
    void millisAtReadsTheWallClockAgainOnceAMillisecondHasPassed() throws InterruptedException {
        ServerClock clock = new ServerClock();
        long first = clock.millisAt(System.nanoTime());
        Thread.sleep(5);
        assertTrue(clock.millisAt(System.nanoTime()) >= first + 5);
    }
}
