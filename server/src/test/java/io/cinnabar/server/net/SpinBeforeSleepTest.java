package io.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.SelectStrategy;
import org.junit.jupiter.api.Test;

class SpinBeforeSleepTest {
    @Test
    void anIdleLoopWithoutRecentSocketActivitySleepsAtOnce() throws Exception {
        SpinBeforeSleep strategy = new SpinBeforeSleep();
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(() -> 0, false));
    }

    @Test
    void readySocketsAndPendingTasksAreHandledWithoutWaiting() throws Exception {
        SpinBeforeSleep strategy = new SpinBeforeSleep();
        assertEquals(3, strategy.calculateStrategy(() -> 3, false));
        assertEquals(0, strategy.calculateStrategy(() -> 0, true));
    }

    @Test
    void afterSocketActivityTheLoopPollsForAWhileThenSleeps() throws Exception {
        SpinBeforeSleep strategy = new SpinBeforeSleep();
        assertEquals(1, strategy.calculateStrategy(() -> 1, false));
        assertEquals(SelectStrategy.CONTINUE, strategy.calculateStrategy(() -> 0, false));
        long until = System.nanoTime() + 10 * SpinBeforeSleep.SPIN_NANOS;
        int strategyNow = SelectStrategy.CONTINUE;
        while (strategyNow == SelectStrategy.CONTINUE && System.nanoTime() < until) {
            strategyNow = strategy.calculateStrategy(() -> 0, false);
        }
        assertEquals(SelectStrategy.SELECT, strategyNow);
        // it slept: the next idle spell after no new activity sleeps at once once the activity is old
        Thread.sleep(2);
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(() -> 0, false));
    }
}
