package io.cinnabar.server.exec;

/**
 * client-output-buffer-limit: which class a client's limits come from and whether its pending output is over them.
 * Ported from Redis 7.0's networking.c (getClientType, checkClientOutputBufferLimits; BSD-3-Clause, Copyright (c)
 * 2009-2012, Salvatore Sanfilippo). The pending output a connection reports counts every byte not yet written to
 * the socket: the reply buffer and the transport's outbound queue. Not thread-safe: executor thread only.
 */
public final class OutputBufferLimits {
    /** CLIENT_TYPE_NORMAL, which MONITOR clients belong to as well ("we want to expose them as normal clients"). */
    public static final int NORMAL = 0;
    /** CLIENT_TYPE_SLAVE: nobody, as long as the server has no replicas. */
    public static final int REPLICA = 1;
    /** CLIENT_TYPE_PUBSUB: subscribed to at least one channel, pattern or shard channel. */
    public static final int PUBSUB = 2;

    private OutputBufferLimits() {
    }

    /** getClientType for output buffer limits. */
    public static int clientClass(Client c) {
        return c.subscribed() ? PUBSUB : NORMAL;
    }

    /** Quick test before measuring: whether {@code c}'s class has a limit at all (normal has none by default). */
    public static boolean limited(Client c) {
        long[] limits = c.engine.config().outputBufferLimits();
        int at = clientClass(c) * 3;
        return limits[at] != 0 || limits[at + 1] != 0;
    }

    /**
     * checkClientOutputBufferLimits: true when {@code used} bytes of pending output reach the hard limit, or have
     * stayed at or over the soft limit for more than the soft seconds. The soft limit's timer starts the first time
     * it is seen reached (then the answer is still no) and stops as soon as the output is seen under it; time is
     * the server clock's, in whole seconds as server.unixtime.
     */
    public static boolean reached(Client c, long used) {
        long[] limits = c.engine.config().outputBufferLimits();
        int at = clientClass(c) * 3;
        long hardLimit = limits[at];
        long softLimit = limits[at + 1];
        long softSeconds = limits[at + 2];
        // the limits are unsigned: a huge configured value never compares as negative
        boolean hard = hardLimit != 0 && Long.compareUnsigned(used, hardLimit) >= 0;
        boolean soft = softLimit != 0 && Long.compareUnsigned(used, softLimit) >= 0;
        if (soft) {
            long now = c.engine.clock().millis() / 1000;
            if (c.softLimitReachedAt == 0) {
                c.softLimitReachedAt = now;
                soft = false; // first time the soft limit is seen reached
            } else if (now - c.softLimitReachedAt <= softSeconds) {
                soft = false; // not yet for long enough
            }
        } else {
            c.softLimitReachedAt = 0;
        }
        return soft || hard;
    }
}
