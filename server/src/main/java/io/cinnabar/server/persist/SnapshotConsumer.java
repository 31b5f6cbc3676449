package io.cinnabar.server.persist;

/**
 * What a point-in-time snapshot of the keyspace is fed to: the RDB writer of SAVE, BGSAVE and DEBUG RELOAD, and the
 * AOF rewrite (an RDB preamble or plain commands). Each key that existed when the snapshot began is given exactly
 * once, with the value and expiry it had then, on the executor thread; keys come database by database but a key
 * about to change is given early (serialize-before-mutate), so databases can interleave: a consumer writes SELECTDB
 * or SELECT whenever {@code db} differs from the previous key's. The value must be serialized before the call
 * returns and never kept, since the executor changes it right after. Not thread-safe.
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

    /** Every key has been given; the snapshot is complete. */
    void finished();

    /** The snapshot was abandoned (FLUSHALL, shutdown, a failed write): nothing more comes. */
    default void aborted(String why) {
    }
}
