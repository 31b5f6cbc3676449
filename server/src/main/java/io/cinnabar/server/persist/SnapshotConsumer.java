package io.cinnabar.server.persist;

/**
 * What a point-in-time snapshot of the keyspace is fed to: the RDB writer of SAVE, BGSAVE and DEBUG RELOAD, and the
 * AOF rewrite (an RDB preamble or plain commands). Each key that existed when the snapshot began is given exactly
 * once, with the value and expiry it had then, on the executor thread; keys come database by database but a key
 * about to change is given early (serialize-before-mutate), so databases can interleave: a consumer writes SELECTDB
 * or SELECT whenever {@code db} differs from the previous key's. The value must be serialized before the call
 * returns and never kept, since the executor changes it right after; except that a big collection may be given
 * through {@link #keyInParts}, whose value stays unchanged until {@link #resume} says it is written. Not
 * thread-safe.
 */
public interface SnapshotConsumer {
    /**
     * The snapshot has begun (before any key): what it holds, for headers such as RDB's RESIZEDB. Called on the
     * executor at the point in time the snapshot is of.
     */
    default void begin(io.cinnabar.server.db.KeyspaceSnapshot snapshot) {
    }

    /**
     * One key: {@code value} as the keyspace stores it ({@code byte[]}, {@code Long}, {@code RawString} or a
     * {@code Value}), {@code expireAt} in Unix ms or -1, {@code lru} the entry's access clock (IDLE/FREQ).
     */
    void key(int db, byte[] key, Object value, long expireAt, int lru);

    /**
     * One key whose value may be written in parts across slices (a big collection), so that no slice serializes a
     * 100,000-element value whole: writes what fits before {@code deadlineNanos} ({@link System#nanoTime}, or
     * Long.MAX_VALUE for all of it) and returns true when the key is complete, false when {@link #resume} must
     * continue it. Until then the snapshot neither changes the value nor starts another key in parts, but may give
     * other keys through {@link #key} (keys about to change), which the consumer must keep apart and write after
     * this one. Consumers that write every key whole keep this default.
     */
    default boolean keyInParts(int db, byte[] key, Object value, long expireAt, int lru, long deadlineNanos) {
        key(db, key, value, expireAt, lru);
        return true;
    }

    /** Continues the key begun by {@link #keyInParts}, as that does; true when it is complete (or none is open). */
    default boolean resume(long deadlineNanos) {
        return true;
    }

    /** Every key has been given; the snapshot is complete. */
    void finished();

    /** The snapshot was abandoned (FLUSHALL, shutdown, a failed write): nothing more comes. */
    default void aborted(String why) {
    }
}
