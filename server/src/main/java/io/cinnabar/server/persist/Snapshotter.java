package io.cinnabar.server.persist;

import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.db.KeyspaceSnapshot;
import io.cinnabar.server.exec.Engine;
import java.util.concurrent.TimeUnit;

/**
 * Drives a point-in-time snapshot ({@link KeyspaceSnapshot}) into a {@link SnapshotConsumer} without fork and
 * without stopping the executor: in the background it gives keys in slices of a small budget (about {@link
 * #BUSY_SLICE_NANOS} while clients are served, {@link #IDLE_SLICE_NANOS} when none is), each slice a task of the
 * executor's event loop, so network reads and commands run between slices (one slice per turn of the loop, after
 * its I/O); a big collection is written across slices ({@link SnapshotConsumer#keyInParts}); writes to keys not
 * given yet give them first (see {@link KeyspaceSnapshot}). While the consumer's writer lags ({@link #throttled}),
 * slices wait, so the memory held stays bounded by what writes give early, and the executor sleeps meanwhile,
 * which is when the writer thread, at a lower priority ({@link BackgroundPriority}), catches up.
 * Synchronously ({@link #runToEnd}) it gives everything at once (SAVE).
 *
 * <p>One snapshot runs at a time, as Redis has one child: an RDB save or an AOF rewrite. Not thread-safe: the
 * executor's.
 */
public final class Snapshotter {
    /**
     * What a slice may take while clients are being served: a request arriving meanwhile waits at most about that
     * long. Measured on two cores (4 redis-benchmark clients, BGSAVE back to back, 1M mixed keys): at 20 us the
     * requests' p50 stays what it is without a save and p99 grows 1.4-1.8x; at 50 us p50 grows 1.7x and p99 about
     * 2x; at 100 us p99 grows 2.5-3x. Shorter slices cost the save more scheduling per key, not the clients.
     */
    static final long BUSY_SLICE_NANOS = 20_000;
    /**
     * What a slice may take when no command has run for {@link #IDLE_AFTER_NANOS}: an idle server saves faster (and
     * the slices' scheduling costs less), while a request that does arrive waits at most this long.
     */
    static final long IDLE_SLICE_NANOS = 250_000;
    static final long IDLE_AFTER_NANOS = 2_000_000;
    /** Keys a busy slice may give at most; an idle one gives proportionally more. */
    static final long SLICE_KEYS = 400;

    /** How a snapshot ended. */
    public interface Done {
        /** {@code error} is null on success, else why it was abandoned. */
        void done(String error);
    }

    private final Engine engine;
    private final Keyspace keyspace;
    private final SnapshotConsumer consumer;
    private final Done done;
    private final java.util.function.BooleanSupplier throttled;
    private KeyspaceSnapshot snapshot;
    /** Set when the consumer failed on a key (an early give cannot fail the write that caused it). */
    private RuntimeException failure;
    private boolean ended;
    private final long started = System.nanoTime();
    /** Stats' commandsProcessed when a slice last saw it move, and when (System.nanoTime). */
    private long commandsAtLastSlice = -1;
    private long lastBusyNanos;

    /**
     * @param throttled true while the consumer's output should drain before more keys are given in slices
     * @param done called once on the executor when the snapshot ends, unless it was {@link #abort}ed
     */
    public Snapshotter(Engine engine, SnapshotConsumer consumer, java.util.function.BooleanSupplier throttled,
                       Done done) {
        this.engine = engine;
        this.keyspace = engine.keyspace();
        this.consumer = consumer;
        this.throttled = throttled;
        this.done = done;
    }

    /** Begins the snapshot: this is its point in time. */
    public Snapshotter start() {
        snapshot = keyspace.startSnapshot(new KeyspaceSnapshot.Sink() {
            @Override
            public void key(int db, Dict.Entry e) {
                give(db, e);
            }

            @Override
            public boolean keyInParts(int db, Dict.Entry e, long deadlineNanos) {
                return giveInParts(db, e, deadlineNanos);
            }

            @Override
            public boolean resume(long deadlineNanos) {
                return resumePart(deadlineNanos);
            }
        });
        try {
            consumer.begin(snapshot);
        } catch (RuntimeException e) {
            failure = e;
        }
        return this;
    }

    private void give(int db, Dict.Entry e) {
        if (failure != null) {
            return;
        }
        try {
            consumer.key(db, e.key, e.value, e.expireAt, e.lru);
        } catch (RuntimeException ex) {
            failure = ex; // reported when the next slice runs; the write that gave the key goes on
        }
    }

    private boolean giveInParts(int db, Dict.Entry e, long deadlineNanos) {
        if (failure != null) {
            return true;
        }
        try {
            return consumer.keyInParts(db, e.key, e.value, e.expireAt, e.lru, deadlineNanos);
        } catch (RuntimeException ex) {
            failure = ex;
            return true;
        }
    }

    private boolean resumePart(long deadlineNanos) {
        if (failure != null) {
            return true;
        }
        try {
            return consumer.resume(deadlineNanos);
        } catch (RuntimeException ex) {
            failure = ex; // as in give: a command that finished the value goes on
            return true;
        }
    }

    public long keysTotal() {
        return snapshot == null ? 0 : snapshot.total();
    }

    public long keysProcessed() {
        return snapshot == null ? 0 : snapshot.given();
    }

    public boolean ended() {
        return ended;
    }

    /** Seconds since it started. */
    public long seconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    }

    /** Gives every remaining key now (SAVE, or a background snapshot something must wait for). */
    public void runToEnd() {
        if (ended) {
            return;
        }
        while (failure == null && !snapshot.step(Long.MAX_VALUE, Long.MAX_VALUE)) {
            // until done or failed
        }
        end();
    }

    /** Runs in the background as executor tasks until done. */
    public void runInBackground() {
        schedule(0);
    }

    private void schedule(long delayNanos) {
        io.netty.util.concurrent.EventExecutor executor = engine.executor();
        if (executor == null) {
            runToEnd(); // an engine that does not serve (unit tests)
            return;
        }
        executor.schedule(this::slice, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void slice() {
        if (ended) {
            return;
        }
        if (engine.scriptBusy()) {
            schedule(TimeUnit.MILLISECONDS.toNanos(1)); // a timed-out script owns the keyspace meanwhile
            return;
        }
        if (failure == null && throttled.getAsBoolean()) {
            schedule(TimeUnit.MICROSECONDS.toNanos(500));
            return;
        }
        long delayMicros = keyDelayMicros();
        boolean finished;
        if (failure != null) {
            finished = true;
        } else if (delayMicros > 0) {
            // rdb-key-save-delay: a deliberately slow snapshot (tests), one key or one batch of a big value's
            // elements per slice, without blocking
            finished = snapshot.step(1, Long.MAX_VALUE, System.nanoTime());
        } else {
            // clients first: short slices while commands run (between two slices the event loop serves every
            // client with input), longer ones once none has run for a while
            long now = System.nanoTime();
            long commands = engine.stats().commandsProcessed;
            if (commands != commandsAtLastSlice) {
                commandsAtLastSlice = commands;
                lastBusyNanos = now;
            }
            long budget = now - lastBusyNanos < IDLE_AFTER_NANOS ? BUSY_SLICE_NANOS : IDLE_SLICE_NANOS;
            finished = snapshot.step(SLICE_KEYS * budget / BUSY_SLICE_NANOS, now + budget);
        }
        if (finished || failure != null) {
            end();
        } else {
            schedule(TimeUnit.MICROSECONDS.toNanos(delayMicros));
        }
    }

    private long keyDelayMicros() {
        io.cinnabar.server.exec.ConfigParam p = engine.config().find("rdb-key-save-delay");
        long v = p == null ? 0 : Long.parseLong(p.get());
        return Math.max(0, v);
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (failure != null) {
            snapshot.abort();
            String why = failure.getMessage() == null ? failure.toString() : failure.getMessage();
            consumer.aborted(why);
            done.done(why);
            return;
        }
        try {
            consumer.finished();
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            consumer.aborted(why);
            done.done(why);
            return;
        }
        done.done(null);
    }

    /** Abandons the snapshot (FLUSHALL, shutdown): the consumer is told, {@code done} is not called. */
    public void abort(String why) {
        if (ended) {
            return;
        }
        ended = true;
        snapshot.abort();
        consumer.aborted(why);
    }
}
