package io.cinnabar.server.db;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * All databases and the statistics Redis keeps about them. The time snapshot {@link #now} is set once per
 * top-level command so that a key cannot expire halfway through a command, a transaction or a script.
 * Not thread-safe: owned by the executor thread.
 */
public final class Keyspace {
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    /** Redis's LRU_CLOCK_MAX: the access clock wraps at 24 bits of seconds. */
    public static final int LRU_CLOCK_MAX = (1 << 24) - 1;

    private final Database[] databases;
    private final PropagationTap tap = new PropagationTap();
    /** Where writes are propagated now: the tap, or a script's effects buffer while it runs. */
    private Propagator propagator = tap;
    private KeyspaceListener[] listeners = new KeyspaceListener[0];
    private final SplittableRandom random;

    /** The command's time snapshot, in Unix milliseconds. */
    public long now;
    public long hits;
    public long misses;
    public long expiredKeys;
    /** Keys whose expiry the active cycle found stale past its budget (INFO expired_stale_perc). */
    public double expiredStalePercent;
    public long expiredTimeCapReached;
    /** Changes since the last save, as Redis's server.dirty. */
    public long dirty;
    /** The point-in-time snapshot in progress (BGSAVE, AOF rewrite), or null. */
    KeyspaceSnapshot snapshot;
    /**
     * The value of an entry's mark bit that means "given to the snapshot, or created since it began"; new entries
     * get it. Each snapshot flips it, and leaves every live entry carrying it when it ends.
     */
    int markBit;
    /**
     * False while a command without the write flag runs: its lookups change nothing, so they need not give keys to
     * a snapshot early. True elsewhere (write commands, blocked clients being served, the tick, the embedding API).
     */
    boolean snapshotWrites = true;

    public Keyspace(int databases, long seed) {
        this.random = new SplittableRandom(seed);
        this.databases = new Database[databases];
        for (int i = 0; i < databases; i++) {
            this.databases[i] = new Database(this, i, random.nextInt());
        }
    }

    /** An empty keyspace whose databases hash keys as {@code like}'s do. */
    private Keyspace(Keyspace like) {
        this.random = new SplittableRandom(like.random.nextLong());
        this.databases = new Database[like.databases.length];
        for (int i = 0; i < databases.length; i++) {
            this.databases[i] = new Database(this, i, like.databases[i].seed);
        }
    }

    /**
     * Begins a point-in-time snapshot: from now on {@code sink} gets each key as it is now, either when
     * {@link KeyspaceSnapshot#step} reaches it or just before a write changes it. Only one runs at a time.
     */
    public KeyspaceSnapshot startSnapshot(KeyspaceSnapshot.Sink sink) {
        if (snapshot != null) {
            throw new IllegalStateException("a snapshot is already in progress");
        }
        markBit ^= Dict.MARK;
        snapshot = new KeyspaceSnapshot(this, sink);
        return snapshot;
    }

    /** The snapshot in progress, or null. */
    public KeyspaceSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Sets whether lookups may be followed by writes (false while a read-only command runs); returns the previous
     * setting for the caller to restore.
     */
    public boolean snapshotWrites(boolean writes) {
        boolean previous = snapshotWrites;
        snapshotWrites = writes;
        return previous;
    }

    /** An empty keyspace with this one's databases, for a load that replaces this one's contents only if it works. */
    public Keyspace emptyCopy() {
        // the same hash seeds (as Redis's one per process): a file this server saved lists keys in its tables'
        // order, so loaded keys are allocated in the order later walks visit them (SAVE after DEBUG RELOAD)
        Keyspace k = new Keyspace(this);
        k.markBit = markBit;
        k.now = now;
        return k;
    }

    /**
     * Replaces every database's contents with {@code loaded}'s (a load that succeeded: DEBUG RELOAD), telling the
     * listeners as a flush. A snapshot in progress goes on reading the old tables.
     */
    public void replaceContents(Keyspace loaded) {
        for (KeyspaceListener listener : listeners) {
            listener.databaseFlushing(-1);
        }
        for (int i = 0; i < databases.length; i++) {
            Database from = loaded.databases[i];
            databases[i].install(from.keys, from.expires);
        }
        for (KeyspaceListener listener : listeners) {
            listener.databaseFlushed(-1);
        }
    }

    public Database db(int index) {
        return databases[index];
    }

    public int count() {
        return databases.length;
    }

    public SplittableRandom random() {
        return random;
    }

    /** The propagation tap: AOF, replicas and command recording add themselves here. */
    public PropagationTap tap() {
        return tap;
    }

    /** Redirects propagation (a script collects its writes to wrap them); {@link #tap()} is the default. */
    public void propagator(Propagator propagator) {
        this.propagator = propagator;
    }

    public Propagator propagator() {
        return propagator;
    }

    public int lruClock() {
        return (int) ((now / 1000) & LRU_CLOCK_MAX);
    }

    /** Idle time in milliseconds of an entry as Redis estimates it from the wrapping LRU clock. */
    public long idleMillis(Dict.Entry e) {
        int clock = lruClock();
        if (clock >= e.lru) {
            return (long) (clock - e.lru) * 1000;
        }
        return (long) (clock + (LRU_CLOCK_MAX - e.lru)) * 1000;
    }

    void propagateExpired(int db, byte[] key) {
        if (propagator.active()) {
            propagator.feed(db, new byte[][] {DEL, key}, 2);
        }
    }

    public long totalKeys() {
        long n = 0;
        for (Database db : databases) {
            n += db.size();
        }
        return n;
    }

    // ---- the write hook ----

    /** Subscribes to every change to the keyspace (see {@link KeyspaceListener}). */
    public void addListener(KeyspaceListener listener) {
        KeyspaceListener[] grown = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        grown[listeners.length] = listener;
        listeners = grown;
    }

    public void removeListener(KeyspaceListener listener) {
        for (int i = 0; i < listeners.length; i++) {
            if (listeners[i] == listener) {
                KeyspaceListener[] shrunk = new KeyspaceListener[listeners.length - 1];
                System.arraycopy(listeners, 0, shrunk, 0, i);
                System.arraycopy(listeners, i + 1, shrunk, i, shrunk.length - i);
                listeners = shrunk;
                return;
            }
        }
    }

    /**
     * The one call for a change to a key, as Redis's signalModifiedKey plus notifyKeyspaceEvent plus
     * {@code server.dirty += changes}: every listener hears of it. Reached through {@link Database#modified}.
     */
    void keyModified(Database db, byte[] key, KeyEvent event, long changes) {
        dirty += changes;
        for (KeyspaceListener listener : listeners) {
            listener.keyModified(db.id, key, event);
        }
    }

    /** A read missed {@code key}: listeners hear of it (keymiss notifications). */
    void keyMissed(Database db, byte[] key) {
        for (KeyspaceListener listener : listeners) {
            listener.keyMissed(db.id, key);
        }
    }

    /** FLUSHALL (and the embedding API's flush): every database emptied, listeners told. */
    public void flushAll() {
        for (KeyspaceListener listener : listeners) {
            listener.databaseFlushing(-1);
        }
        dirty += totalKeys();
        for (Database db : databases) {
            db.clear();
        }
        for (KeyspaceListener listener : listeners) {
            listener.databaseFlushed(-1);
        }
    }

    /** FLUSHDB: one database emptied, listeners told. */
    public void flush(Database db) {
        for (KeyspaceListener listener : listeners) {
            listener.databaseFlushing(db.id);
        }
        dirty += db.size();
        db.clear();
        for (KeyspaceListener listener : listeners) {
            listener.databaseFlushed(db.id);
        }
    }

    /** SWAPDB: two databases exchange contents, listeners told. */
    public void swap(int a, int b) {
        databases[a].swapWith(databases[b]);
        dirty++;
        for (KeyspaceListener listener : listeners) {
            listener.databasesSwapped(a, b);
        }
    }

    /** Incremental rehashing in the background tick, so idle tables finish resizing. */
    public void rehashIdle() {
        for (Database db : databases) {
            db.rehashSome();
        }
    }

    public void resetStats() {
        hits = 0;
        misses = 0;
        expiredKeys = 0;
        expiredStalePercent = 0;
        expiredTimeCapReached = 0;
    }
}
