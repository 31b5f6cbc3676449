package io.cinnabar.server.net;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * The event loop's choice between polling and sleeping in epoll_wait: after the last ready socket or task, it polls
 * (without blocking) for {@link #SPIN_NANOS} before it sleeps.
 *
 * <p>Why: a client that sends to a thread asleep in epoll_wait pays for waking it (the kernel's wake-up and, on a
 * VM, an interrupt to an idle CPU), in its own send call. Redis's main thread under a pipelined load is rarely asleep
 * (it spends more CPU per request); ours was, between one pipeline and the next: measured with redis-benchmark's 16
 * pipelined PINGs on two cores, the executor went to sleep 8,390 times in a run where Redis's thread did 324 times,
 * and the client, the bottleneck at 95% of a core, spent 7% more CPU per request talking to Cinnabar (its
 * sock_def_readable: 9.4% of its time, against 3.2%). It spins only while sockets were found ready in the last
 * millisecond (a busy server between two pipelines), at most {@link #SPIN_NANOS} per idle spell; an idle server
 * woken by its timers sleeps again at once.
 */
final class SpinBeforeSleep implements SelectStrategy {
    /** How long an idle loop keeps polling before it sleeps. */
    static final long SPIN_NANOS = 50_000;
    /** Spinning only while sockets were found ready recently (not after a timer's wake-up of an idle server). */
    static final long RECENT_NANOS = 1_000_000;
    /** When the loop last found nothing to do (System.nanoTime), or 0 while it is busy. */
    private long idleSince;
    /** When a poll last found ready sockets. */
    private long lastReadyNanos = System.nanoTime() - 2 * RECENT_NANOS; // none yet (nanoTime has any origin)

    @Override
    public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
        int ready = selectSupplier.get(); // epoll_wait without waiting
        if (ready > 0 || hasTasks) {
            idleSince = 0;
            if (ready > 0) {
                lastReadyNanos = System.nanoTime();
            }
            return ready;
        }
        long now = System.nanoTime();
        if (now - lastReadyNanos >= RECENT_NANOS) {
            idleSince = 0;
            return SelectStrategy.SELECT;
        }
        if (idleSince == 0) {
            idleSince = now;
            return SelectStrategy.CONTINUE;
        }
        if (now - idleSince < SPIN_NANOS) {
            return SelectStrategy.CONTINUE;
        }
        idleSince = 0;
        return SelectStrategy.SELECT;
    }
}
