package io.cinnabar.server.exec;

import io.cinnabar.server.db.Database;
import io.cinnabar.server.db.Dict;
import io.cinnabar.server.db.KeyEvent;
import io.cinnabar.server.db.Keyspace;
import io.cinnabar.server.db.KeyspaceListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * WATCH, as Redis 7.0's multi.c: the keys each client watches, per database, and the keyspace write hook marking
 * the watchers of a changed key dirty (CLIENT_DIRTY_CAS), so their EXEC answers the null reply. As measured on
 * Redis 7.0.15: expiry is no change (a watched key that expires, deleted or not yet, lets EXEC run), FLUSHDB,
 * FLUSHALL and SWAPDB change the watched keys that are live (not expired) when they run, and a key watched while
 * expired that a command writes again is changed. Watches stay on their database index across SWAPDB, as Redis
 * keeps watched_keys in place. Not thread-safe:
 * executor thread only.
 */
public final class WatchedKeys implements KeyspaceListener {
    /** One client watching one key. */
    static final class Watch {
        final Client client;
        final int db;
        final byte[] key;
        Watch(Client client, int db, byte[] key) {
            this.client = client;
            this.db = db;
            this.key = key;
        }
    }

    private final Keyspace keyspace;
    private final Map<KeyRef, ArrayList<Watch>> byKey = new HashMap<>();

    WatchedKeys(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** watchForKey: {@code c} watches {@code key} of its current database (once, however often it asks). */
    public void watch(Client c, byte[] key) {
        int db = c.db.id;
        if (c.watched == null) {
            c.watched = new ArrayList<>(4);
        }
        for (Watch w : c.watched) {
            if (w.db == db && Arrays.equals(w.key, key)) {
                return;
            }
        }
        Watch w = new Watch(c, db, key);
        c.watched.add(w);
        byKey.computeIfAbsent(KeyRef.of(db, key), k -> new ArrayList<>(2)).add(w);
    }

    /** unwatchAllKeys: forgets every key {@code c} watches (EXEC, DISCARD, UNWATCH, RESET, disconnect). */
    public void unwatchAll(Client c) {
        if (c.watched == null) {
            return;
        }
        for (Watch w : c.watched) {
            KeyRef ref = KeyRef.of(w.db, w.key);
            ArrayList<Watch> watchers = byKey.get(ref);
            if (watchers != null) {
                watchers.remove(w);
                if (watchers.isEmpty()) {
                    byKey.remove(ref);
                }
            }
        }
        c.watched = null;
    }

    /** The number of keys watched, by all clients (one per client and key). */
    public int size() {
        int n = 0;
        for (ArrayList<Watch> watchers : byKey.values()) {
            n += watchers.size();
        }
        return n;
    }

    /** touchWatchedKey: the write hook. Expiry is no change to a watcher in Redis 7.0.15 (checked on it). */
    @Override
    public void keyModified(int db, byte[] key, KeyEvent event) {
        if (byKey.isEmpty() || event == KeyEvent.EXPIRED_KEY || !event.signalsModified()) {
            return;
        }
        ArrayList<Watch> watchers = byKey.get(KeyRef.of(db, key));
        if (watchers != null) {
            dirtyAll(watchers);
        }
    }

    /**
     * touchAllWatchedKeysInDb, before FLUSHDB or FLUSHALL ({@code db} -1) empties the data: the watchers of every
     * key that is there (and not expired) are dirty.
     */
    @Override
    public void databaseFlushing(int db) {
        if (byKey.isEmpty()) {
            return;
        }
        for (Map.Entry<KeyRef, ArrayList<Watch>> entry : new ArrayList<>(byKey.entrySet())) {
            KeyRef ref = entry.getKey();
            if ((db == -1 || ref.db == db) && isLive(keyspace.db(ref.db), ref.key)) {
                dirtyAll(entry.getValue());
            }
        }
    }

    /**
     * touchAllWatchedKeysInDb for both databases, told after SWAPDB exchanged their contents: a watched key that
     * is live on either side of the swap changed.
     */
    @Override
    public void databasesSwapped(int a, int b) {
        if (byKey.isEmpty()) {
            return;
        }
        for (Map.Entry<KeyRef, ArrayList<Watch>> entry : new ArrayList<>(byKey.entrySet())) {
            KeyRef ref = entry.getKey();
            if ((ref.db == a || ref.db == b)
                    && (isLive(keyspace.db(a), ref.key) || isLive(keyspace.db(b), ref.key))) {
                dirtyAll(entry.getValue());
            }
        }
    }

    private void dirtyAll(ArrayList<Watch> watchers) {
        for (Watch w : watchers.toArray(new Watch[0])) {
            dirty(w.client);
        }
    }

    /** The key is stored and its expiry (if any) has not passed at the command's time snapshot. */
    private boolean isLive(Database db, byte[] key) {
        Dict.Entry e = db.peek(key);
        return e != null && (e.expireAt == Dict.NO_EXPIRE || keyspace.now <= e.expireAt);
    }

    /** CLIENT_DIRTY_CAS; a dirty client's EXEC fails whatever else happens, so its watches go at once. */
    private void dirty(Client c) {
        c.dirtyCas = true;
        unwatchAll(c);
    }
}
