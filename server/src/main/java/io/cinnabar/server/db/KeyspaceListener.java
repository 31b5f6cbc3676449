package io.cinnabar.server.db;

/**
 * Subscriber to the keyspace write hook: WATCH, blocked-client wake-ups, keyspace notifications, client tracking
 * and persistence listen here instead of being called from command code. Called on the executor thread, in the
 * order the changes happen, after the change is made. Must not change the keyspace itself.
 */
public interface KeyspaceListener {
    /** Key {@code key} of database {@code db} changed (Redis's signalModifiedKey plus notifyKeyspaceEvent). */
    void keyModified(int db, byte[] key, KeyEvent event);

    /** A read found no key {@code key} in database {@code db} (Redis's "keymiss" keyspace event). */
    default void keyMissed(int db, byte[] key) {
    }

    /**
     * Every key of database {@code db} (of every database when -1) is about to go (signalFlushedDb, which Redis
     * calls before emptying): WATCH needs to see which watched keys existed.
     */
    default void databaseFlushing(int db) {
    }

    /** Every key of database {@code db} is gone, or of every database when {@code db} is -1 (signalFlushedDb). */
    default void databaseFlushed(int db) {
    }

    /** Databases {@code a} and {@code b} exchanged their contents (SWAPDB). */
    default void databasesSwapped(int a, int b) {
    }
}
