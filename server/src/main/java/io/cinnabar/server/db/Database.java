package io.cinnabar.server.db;

import java.util.SplittableRandom;

/**
 * One numbered database: its keys, their values and expiry times. Expired keys are removed lazily when looked up
 * and actively by {@link ActiveExpiry}. Not thread-safe: owned by the executor thread.
 */
public final class Database {
    /** Lookup flag: don't update the key's access time (TYPE, TTL, OBJECT, EXISTS). */
    public static final int NOTOUCH = 1;
    /** Lookup flag: don't count a keyspace hit or miss. */
    public static final int NOSTATS = 2;

    public final int id;
    final Keyspace keyspace;
    /** The hash seed of its tables, kept by {@link Keyspace#emptyCopy}. */
    final int seed;
    Dict keys;
    Dict expires;
    /** Cursor of the active expiry scan over {@link #expires}. */
    long expiryCursor;
    /** Average TTL of the keys the active cycle sampled, as INFO keyspace's avg_ttl. */
    long averageTtl;

    Database(Keyspace keyspace, int id, int seed) {
        this.keyspace = keyspace;
        this.id = id;
        this.seed = seed;
        this.keys = new Dict(seed);
        this.expires = new Dict(seed);
    }

    public int size() {
        return keys.size();
    }

    public int volatileSize() {
        return expires.size();
    }

    /**
     * The key tables' own memory, estimated as Redis's overhead.hashtable.main/expires: one entry object (40
     * bytes with compressed references) per key and a reference per bucket, in both tables.
     */
    public long tableOverheadBytes() {
        return (long) keys.size() * 40 + (long) keys.buckets() * 4 + (long) expires.size() * 40
                + (long) expires.buckets() * 4;
    }

    public long averageTtl() {
        return averageTtl;
    }

    /** Looks a key up for reading: expires it if due, counts a hit or miss, touches its access time. */
    public Dict.Entry lookupRead(byte[] key) {
        return lookup(key, 0);
    }

    public Dict.Entry lookup(byte[] key, int flags) {
        Dict.Entry e = keys.find(key);
        if (e != null && keyspace.snapshot != null) {
            if (keyspace.snapshotWrites) {
                beforeWrite(e); // a write command may change what it looks up, whichever lookup it uses
            } else if (e == keyspace.snapshot.partial) {
                keyspace.snapshot.finishPartial(); // a read may move a hash table's entries (a rehash step)
            }
        }
        if (e != null && e.expireAt != Dict.NO_EXPIRE && keyspace.now > e.expireAt) {
            expireNow(e);
            e = null;
        }
        if ((flags & NOSTATS) == 0) {
            if (e == null) {
                keyspace.misses++;
                keyspace.keyMissed(this, key);
            } else {
                keyspace.hits++;
            }
        }
        if (e != null && (flags & NOTOUCH) == 0) {
            e.lru = keyspace.lruClock();
        }
        return e;
    }

    /** The entry as stored, expired or not, with no side effects (DEBUG DIGEST-VALUE). */
    public Dict.Entry peek(byte[] key) {
        return keys.find(key);
    }

    /** Looks a key up for writing: expires it if due and touches it; no hit/miss statistics. */
    public Dict.Entry lookupWrite(byte[] key) {
        Dict.Entry e = lookup(key, NOSTATS);
        if (e != null && keyspace.snapshot != null) {
            beforeWrite(e);
        }
        return e;
    }

    /**
     * Serialize-before-mutate: a key about to change or go away while a point-in-time snapshot runs is given to the
     * snapshot first, with the value it had when the snapshot began, unless it was given already or created since.
     * Every write reaches one of the calls (lookups in write commands, unlink, expiry, setExpire/removeExpire).
     */
    private void beforeWrite(Dict.Entry e) {
        KeyspaceSnapshot s = keyspace.snapshot;
        if (s != null) {
            if ((e.hash & Dict.MARK) != keyspace.markBit) {
                s.giveEarly(keys, e);
            } else if (e == s.partial) {
                s.finishPartial(); // given, but its value is still being serialized in parts
            }
        }
    }

    /** True if the key exists and has not expired, with no side effects but lazy expiry. */
    public boolean exists(byte[] key) {
        return lookup(key, NOSTATS | NOTOUCH) != null;
    }

    /**
     * Reports a change to {@code key}: the keyspace write hook (see {@link KeyspaceListener}), counting one change
     * since the last save. Every command that changes a key calls this once per key and event, after the change.
     */
    public void modified(byte[] key, KeyEvent event) {
        keyspace.keyModified(this, key, event, 1);
    }

    /** As {@link #modified(byte[], KeyEvent)}, counting {@code changes} changes (0 for a key's "new" event). */
    public void modified(byte[] key, KeyEvent event, long changes) {
        keyspace.keyModified(this, key, event, changes);
    }

    /** Adds a key that does not exist (the caller looked it up first); reports the "new" event as Redis's dbAdd. */
    public Dict.Entry add(byte[] key, Object value) {
        Dict.Entry e = keys.insert(key);
        e.hash = (e.hash & ~Dict.MARK) | keyspace.markBit; // new since any snapshot began: never given
        e.value = value;
        e.lru = keyspace.lruClock();
        keyspace.keyModified(this, key, KeyEvent.NEW_KEY, 0);
        return e;
    }

    /**
     * Adds a key read from an RDB file (dbAddRDBLoad): no events, no change counted; null when the key is already
     * there (the file has it twice).
     */
    public Dict.Entry addLoaded(byte[] key, Object value) {
        if (keys.find(key) != null) {
            return null;
        }
        Dict.Entry e = keys.insert(key);
        e.hash = (e.hash & ~Dict.MARK) | keyspace.markBit;
        e.value = value;
        e.lru = keyspace.lruClock();
        return e;
    }

    /** Sizes the tables for a load (the RDB file's RESIZEDB hint). */
    public void reserve(long keyCount, long volatileCount) {
        keys.reserve(keyCount);
        expires.reserve(volatileCount);
    }

    /**
     * Sets a key to a value as Redis's setKey does: overwrites any value and, unless {@code keepTtl}, forgets the
     * old expiry time.
     */
    public Dict.Entry set(byte[] key, Object value, boolean keepTtl) {
        Dict.Entry e = lookupWrite(key);
        if (e == null) {
            return add(key, value);
        }
        e.value = value;
        if (!keepTtl && e.expireAt != Dict.NO_EXPIRE) {
            removeExpire(e);
        }
        return e;
    }

    /** Removes a key; true if it existed (expired keys count as absent). */
    public boolean delete(byte[] key) {
        Dict.Entry e = lookupWrite(key);
        if (e == null) {
            return false;
        }
        unlink(e);
        return true;
    }

    /**
     * Removes a collection that its command has just emptied, reporting "del" as Redis does after its type's own
     * event (the change itself was counted with that event).
     */
    public void deleteEmptied(Dict.Entry e) {
        unlink(e);
        keyspace.keyModified(this, e.key, KeyEvent.DEL, 0);
    }

    /** Removes an entry known to be present. */
    public void unlink(Dict.Entry e) {
        beforeWrite(e);
        keys.remove(e.key);
        if (e.expireAt != Dict.NO_EXPIRE) {
            expires.remove(e.key);
        }
    }

    public void setExpire(Dict.Entry e, long at) {
        beforeWrite(e);
        if (e.expireAt == Dict.NO_EXPIRE) {
            Dict.Entry index = expires.insert(e.key);
            index.value = e;
        }
        e.expireAt = at;
    }

    public void removeExpire(Dict.Entry e) {
        if (e.expireAt != Dict.NO_EXPIRE) {
            beforeWrite(e);
            expires.remove(e.key);
            e.expireAt = Dict.NO_EXPIRE;
        }
    }

    /** Deletes a key whose time has passed, counts it and propagates the deletion. */
    void expireNow(Dict.Entry e) {
        unlink(e);
        keyspace.expiredKeys++;
        keyspace.keyModified(this, e.key, KeyEvent.EXPIRED_KEY, 0); // Redis counts no change since the last save
        keyspace.propagateExpired(id, e.key);
    }

    public Dict.Entry random(SplittableRandom random) {
        return keys.random(random);
    }

    public long scan(long cursor, Dict.Visitor visitor) {
        return keys.scan(cursor, visitor);
    }

    public void forEach(Dict.Visitor visitor) {
        keys.forEach(visitor);
    }

    /** Empties the database without telling anyone: {@link Keyspace#flush} and {@link Keyspace#flushAll} do. */
    void clear() {
        if (keyspace.snapshot != null) {
            // a snapshot still reads the old table (as Redis's child keeps its copy of a flushed database)
            keys = new Dict(seed);
            expires = new Dict(seed);
        } else {
            keys.clear();
            expires.clear();
        }
        expiryCursor = 0;
        averageTtl = 0;
    }

    /** The key table, for a snapshot to iterate (its entries carry the snapshot marks). */
    Dict keys() {
        return keys;
    }

    /** Installs loaded tables (Keyspace.replaceContents): the old ones are left to a snapshot still reading them. */
    void install(Dict newKeys, Dict newExpires) {
        keys = newKeys;
        expires = newExpires;
        expiryCursor = 0;
        averageTtl = 0;
    }

    Dict expiresTable() {
        return expires;
    }

    /** Exchanges contents with another database (SWAPDB). */
    void swapWith(Database other) {
        Dict k = keys;
        Dict x = expires;
        long avg = averageTtl;
        keys = other.keys;
        expires = other.expires;
        averageTtl = other.averageTtl;
        other.keys = k;
        other.expires = x;
        other.averageTtl = avg;
        expiryCursor = 0;
        other.expiryCursor = 0;
    }

    /** Moves rehashing forward for up to about a millisecond, as databasesCron's incrementallyRehash. */
    boolean rehashSome() {
        boolean more = keys.rehash(100);
        more |= expires.rehash(100);
        return more;
    }
}
