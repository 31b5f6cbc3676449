package io.cinnabar.server.db;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Redis's dict: a chained hash table keyed by byte strings, power-of-two sized, with incremental rehashing
 * (a step of work on each access, so a resize never stalls the executor) and the reverse-binary cursor scan
 * that returns every entry present for the whole scan at least once, across resizes.
 *
 * <p>Entries carry the key's expiry time and access clock so that the keyspace needs no second object per
 * key. Not thread-safe: owned by the executor thread.
 *
 * <p>The rehashing steps and the scan cursor follow Redis 7.0's dict.c, Copyright (c) 2006-2012 Salvatore
 * Sanfilippo, BSD-3-Clause; see NOTICE.
 */
public final class Dict {
    /** No expiry set. */
    public static final long NO_EXPIRE = -1;
    private static final int INITIAL_SIZE = 4;
    /** Redis's HASHTABLE_MIN_FILL: shrink when less than 1/8 full. */
    private static final int MIN_FILL = 8;

    /** The top bit of {@link Entry#hash}: not part of the hash, it is the snapshot mark (see {@link KeyspaceSnapshot}). */
    static final int MARK = 0x80000000;

    /**
     * One key with its value. Fields are the keyspace's to read and write. The hash's top bit is the snapshot mark,
     * so that marking costs no memory per entry (the entry stays at 40 bytes).
     */
    public static final class Entry {
        public final byte[] key;
        int hash;
        public Object value;
        public long expireAt = NO_EXPIRE;
        /** Last access, in the LRU clock's units (seconds, wrapping at 24 bits, as Redis keeps it). */
        public int lru;
        Entry next;

        Entry(byte[] key, int hash) {
            this.key = key;
            this.hash = hash;
        }
    }

    /** Receives each entry of a scan step. */
    public interface Visitor {
        void visit(Entry entry);
    }

    private final int seed;
    private Entry[] table0 = new Entry[0];
    private Entry[] table1;
    private int used0;
    private int used1;
    /** Next bucket of table0 to move to table1, or -1 when not rehashing. */
    private int rehashIndex = -1;
    /**
     * While a snapshot walks the table, entries must stay in their buckets: no rehash step, no resize (Redis
     * likewise stops resizing while a child process saves). Chains grow meanwhile; the first write after resizes.
     */
    private boolean frozen;

    public Dict(int seed) {
        this.seed = seed;
    }

    public int size() {
        return used0 + used1;
    }

    /** Total buckets across both tables, as Redis reports hash table sizes. */
    public int buckets() {
        return table0.length + (table1 == null ? 0 : table1.length);
    }

    int hash(byte[] key) {
        int h = seed;
        for (byte b : key) {
            h = (h ^ b) * 0x01000193;
        }
        // murmur3's finaliser spreads FNV's weak low bits
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & ~MARK; // the top bit is the entry's snapshot mark
    }

    public Entry find(byte[] key) {
        if (size() == 0) {
            return null;
        }
        if (rehashIndex >= 0) {
            rehashStep();
        }
        int h = hash(key);
        Entry e = bucketFind(table0, h, key);
        if (e == null && table1 != null) {
            e = bucketFind(table1, h, key);
        }
        return e;
    }

    private static Entry bucketFind(Entry[] table, int h, byte[] key) {
        if (table.length == 0) {
            return null;
        }
        for (Entry e = table[h & (table.length - 1)]; e != null; e = e.next) {
            if ((e.hash & ~MARK) == h && Arrays.equals(e.key, key)) {
                return e;
            }
        }
        return null;
    }

    /** Inserts a new entry for {@code key}, which must not be present; the caller sets its value. */
    public Entry insert(byte[] key) {
        if (rehashIndex >= 0) {
            rehashStep();
        }
        expandIfNeeded();
        int h = hash(key);
        Entry e = new Entry(key, h);
        if (table1 != null) {
            int i = h & (table1.length - 1);
            e.next = table1[i];
            table1[i] = e;
            used1++;
        } else {
            int i = h & (table0.length - 1);
            e.next = table0[i];
            table0[i] = e;
            used0++;
        }
        return e;
    }

    /** Removes and returns the entry for {@code key}, or null. */
    public Entry remove(byte[] key) {
        if (size() == 0) {
            return null;
        }
        if (rehashIndex >= 0) {
            rehashStep();
        }
        int h = hash(key);
        Entry e = unlink(table0, h, key);
        if (e != null) {
            used0--;
        } else if (table1 != null) {
            e = unlink(table1, h, key);
            if (e != null) {
                used1--;
            }
        }
        if (e != null) {
            shrinkIfNeeded();
        }
        return e;
    }

    private static Entry unlink(Entry[] table, int h, byte[] key) {
        if (table.length == 0) {
            return null;
        }
        int i = h & (table.length - 1);
        Entry prev = null;
        for (Entry e = table[i]; e != null; prev = e, e = e.next) {
            if ((e.hash & ~MARK) == h && Arrays.equals(e.key, key)) {
                if (prev == null) {
                    table[i] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                return e;
            }
        }
        return null;
    }

    /**
     * Sizes an empty table for {@code n} entries at once (the RESIZEDB hint of an RDB file), so that loading does
     * not rehash step by step.
     */
    public void reserve(long n) {
        if (size() == 0 && n > table0.length && n <= (1 << 30)) {
            table0 = new Entry[nextPowerOfTwo((int) n)];
            table1 = null;
            rehashIndex = -1;
        }
    }

    public void clear() {
        table0 = new Entry[0];
        table1 = null;
        used0 = 0;
        used1 = 0;
        rehashIndex = -1;
    }

    private void expandIfNeeded() {
        if (frozen && table0.length > 0) {
            return;
        }
        if (rehashIndex >= 0) {
            return;
        }
        if (table0.length == 0) {
            table0 = new Entry[INITIAL_SIZE];
            return;
        }
        if (used0 >= table0.length) {
            startRehash(table0.length * 2);
        }
    }

    private void shrinkIfNeeded() {
        if (frozen || rehashIndex >= 0 || table0.length <= INITIAL_SIZE) {
            return;
        }
        if ((long) used0 * MIN_FILL < table0.length) {
            startRehash(nextPowerOfTwo(used0));
        }
    }

    private static int nextPowerOfTwo(int n) {
        int size = INITIAL_SIZE;
        while (size < n) {
            size <<= 1;
        }
        return size;
    }

    private void startRehash(int newSize) {
        if (newSize == table0.length) {
            return;
        }
        table1 = new Entry[newSize];
        used1 = 0;
        rehashIndex = 0;
    }

    /** Moves one bucket (visiting at most ten empty ones) from the old table to the new one, as _dictRehashStep. */
    void rehashStep() {
        if (!frozen) {
            rehash(1);
        }
    }

    /** Does up to {@code steps} bucket moves; returns true while more rehashing remains. */
    public boolean rehash(int steps) {
        if (rehashIndex < 0 || frozen) {
            return false;
        }
        int emptyVisits = steps * 10;
        while (steps-- > 0 && used0 > 0) {
            while (table0[rehashIndex] == null) {
                rehashIndex++;
                if (--emptyVisits == 0) {
                    return true;
                }
            }
            Entry e = table0[rehashIndex];
            int mask = table1.length - 1;
            while (e != null) {
                Entry next = e.next;
                int i = e.hash & mask;
                e.next = table1[i];
                table1[i] = e;
                used0--;
                used1++;
                e = next;
            }
            table0[rehashIndex] = null;
            rehashIndex++;
        }
        if (used0 == 0) {
            table0 = table1;
            used0 = used1;
            table1 = null;
            used1 = 0;
            rehashIndex = -1;
            return false;
        }
        return true;
    }

    /**
     * One step of a reverse-binary cursor scan (dictScan): visits the entries of one bucket (and of the buckets it
     * expanded into while rehashing) and returns the next cursor, 0 when the scan is complete.
     */
    public long scan(long cursor, Visitor visitor) {
        if (size() == 0) {
            return 0;
        }
        long v = cursor;
        if (table1 == null) {
            long m0 = table0.length - 1;
            visitBucket(table0[(int) (v & m0)], visitor);
            v |= ~m0;
            v = Long.reverse(v);
            v++;
            v = Long.reverse(v);
        } else {
            Entry[] small = table0;
            Entry[] large = table1;
            if (small.length > large.length) {
                small = table1;
                large = table0;
            }
            long m0 = small.length - 1;
            long m1 = large.length - 1;
            visitBucket(small[(int) (v & m0)], visitor);
            do {
                visitBucket(large[(int) (v & m1)], visitor);
                v |= ~m1;
                v = Long.reverse(v);
                v++;
                v = Long.reverse(v);
            } while ((v & (m0 ^ m1)) != 0);
        }
        return v;
    }

    private static void visitBucket(Entry e, Visitor visitor) {
        while (e != null) {
            Entry next = e.next; // the visitor may delete the entry (expired keys)
            visitor.visit(e);
            e = next;
        }
    }

    /** A random entry, or null when empty: a random non-empty bucket, then a random element of its chain. */
    public Entry random(SplittableRandom random) {
        if (size() == 0) {
            return null;
        }
        if (rehashIndex >= 0) {
            rehashStep();
        }
        Entry head;
        do {
            if (table1 != null) {
                int span = table0.length - rehashIndex + table1.length;
                int i = rehashIndex + random.nextInt(span);
                head = i < table0.length ? table0[i] : table1[i - table0.length];
            } else {
                head = table0[random.nextInt(table0.length)];
            }
        } while (head == null);
        int length = 0;
        for (Entry e = head; e != null; e = e.next) {
            length++;
        }
        int pick = random.nextInt(length);
        Entry e = head;
        while (pick-- > 0) {
            e = e.next;
        }
        return e;
    }

    /** Stops (true) or allows again (false) rehashing and resizing: see {@link #frozen}. */
    void freeze(boolean freeze) {
        frozen = freeze;
    }

    /**
     * Walks a frozen table in bucket order (table0, then table1 while a rehash was under way), visiting at most
     * {@code maxBuckets} buckets from {@code position} (0 to start); returns the next position, or -1 at the end.
     * Entries stay in their buckets while frozen, so every entry present for the whole walk is visited once;
     * bucket order reads the bucket array sequentially, where a reverse-binary scan jumps across it. A table
     * nobody touches between the calls (no find, insert, remove or rehash step) needs no freezing: a snapshot
     * writes a big set or hash in several slices that way.
     */
    public long walk(long position, int maxBuckets, Visitor visitor) {
        int t = (int) (position >>> 32);
        int i = (int) position;
        while (maxBuckets-- > 0) {
            Entry[] table = t == 0 ? table0 : table1;
            if (table == null || i >= table.length) {
                if (t == 0 && table1 != null) {
                    t = 1;
                    i = 0;
                    continue;
                }
                return -1;
            }
            visitBucket(table[i], visitor);
            i++;
        }
        return ((long) t << 32) | (i & 0xffffffffL);
    }

    /** Visits every entry; the visitor must not add or remove entries. */
    public void forEach(Visitor visitor) {
        visitAll(table0, visitor);
        if (table1 != null) {
            visitAll(table1, visitor);
        }
    }

    private static void visitAll(Entry[] table, Visitor visitor) {
        for (Entry head : table) {
            for (Entry e = head; e != null; e = e.next) {
                visitor.visit(e);
            }
        }
    }
}
