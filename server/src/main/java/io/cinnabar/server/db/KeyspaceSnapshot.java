package io.cinnabar.server.db;

/**
 * A point-in-time snapshot of the keyspace taken without fork and without stopping the executor: every key that
 * existed when it began is given to its {@link Sink} exactly once, with the value and expiry it had then.
 *
 * <p>{@link #step} walks each database's key table in bucket order, in slices of a bounded budget; the tables are
 * frozen meanwhile (no rehash step, no resize, as Redis stops resizing while a child saves), so entries stay in
 * their buckets and every entry present for the whole walk is reached. A key about to be changed or removed
 * before the walk reached it is given first (serialize-before-mutate, from {@link Database}'s write paths). A
 * mark bit in each entry (the top bit of its stored hash) says whether it was given: the walk and the early gives
 * skip marked entries, and entries created after the snapshot began are born marked, so none is given twice and
 * new keys are never given. A big collection may be serialized across several slices ({@link Sink#keyInParts});
 * its entry is marked from its start, and any lookup of its key, read or write, first finishes it ({@link
 * #partial}), so its bytes are still those of the point in time (reads count too: a hash table's lookups move
 * entries between buckets while it rehashes, under the walk of its value). A flushed or reloaded database keeps
 * its old table alive for the walk, as Redis's forked child keeps its copy; SWAPDB moves tables, whose snapshot
 * database number stays the one they had at the start. The extra memory is what the sink holds of keys given
 * early, so it is proportional to what is written during the snapshot.
 *
 * <p>When the snapshot ends, finished or abandoned, every live entry carries the current mark, which the next
 * snapshot flips. Not thread-safe: owned by the executor.
 */
public final class KeyspaceSnapshot {
    /**
     * Receives each key of the snapshot. The value must be serialized before {@link #key} returns; {@link
     * #keyInParts} may leave the rest of a big value to {@link #resume} calls, one such key at a time.
     */
    public interface Sink {
        void key(int db, Dict.Entry e);

        /**
         * Gives {@code e}, whose value may be serialized in parts: what fits before {@code deadlineNanos}
         * ({@link System#nanoTime}, Long.MAX_VALUE for all); false when {@link #resume} must continue it. Until
         * then {@link #key} may still come for other keys (keys about to change are given early).
         */
        default boolean keyInParts(int db, Dict.Entry e, long deadlineNanos) {
            key(db, e);
            return true;
        }

        /** Continues the key {@link #keyInParts} left unfinished; true when it is done. */
        default boolean resume(long deadlineNanos) {
            return true;
        }
    }

    private final Keyspace keyspace;
    private Sink sink;
    /** Each database's key table as the snapshot began; index = database number in the snapshot. */
    private final Dict[] tables;
    private final long[] sizes;
    private final long[] volatileSizes;
    private final long total;
    private final int mark;
    private int table;
    private long cursor;
    private long given;
    private boolean done;
    /**
     * The key whose value the sink is serializing in parts (given, so marked), or null: {@link Database}'s lookups
     * finish it at once before anything may read or change its value ({@link #finishPartial}).
     */
    Dict.Entry partial;
    /** The current step's deadline, for the key the walk starts in parts. */
    private long deadline = Long.MAX_VALUE;
    private final Dict.Visitor walker = this::visit;

    KeyspaceSnapshot(Keyspace keyspace, Sink sink) {
        this.keyspace = keyspace;
        this.sink = sink;
        this.mark = keyspace.markBit;
        int n = keyspace.count();
        this.tables = new Dict[n];
        this.sizes = new long[n];
        this.volatileSizes = new long[n];
        long t = 0;
        for (int i = 0; i < n; i++) {
            Database db = keyspace.db(i);
            tables[i] = db.keys();
            tables[i].freeze(true); // entries stay in their buckets until the walk is over
            sizes[i] = db.size();
            volatileSizes[i] = db.volatileSize();
            t += sizes[i];
        }
        this.total = t;
    }

    /** Keys in database {@code db} when the snapshot began (RESIZEDB). */
    public long size(int db) {
        return sizes[db];
    }

    /** Keys with an expiry in database {@code db} when the snapshot began. */
    public long volatileSize(int db) {
        return volatileSizes[db];
    }

    /** Keys when the snapshot began: INFO current_save_keys_total. */
    public long total() {
        return total;
    }

    /** Keys given so far: INFO current_save_keys_processed. */
    public long given() {
        return given;
    }

    public boolean done() {
        return done;
    }

    /**
     * Gives keys until at least {@code maxKeys} were given or {@code deadlineNanos} ({@link System#nanoTime}) has
     * passed (Long.MAX_VALUE for no limit), checked after every walk of up to 16 keys; returns true when every key
     * has been given, and the snapshot is over.
     */
    public boolean step(long maxKeys, long deadlineNanos) {
        return step(maxKeys, deadlineNanos, deadlineNanos);
    }

    /**
     * As {@link #step(long, long)}, with {@code partDeadlineNanos} for the value in parts: a slow snapshot for tests
     * (rdb-key-save-delay) gives one key, or one batch of a big value's elements, per step.
     */
    public boolean step(long maxKeys, long deadlineNanos, long partDeadlineNanos) {
        long stop = maxKeys == Long.MAX_VALUE ? Long.MAX_VALUE : given + maxKeys;
        boolean timed = deadlineNanos != Long.MAX_VALUE;
        deadline = partDeadlineNanos;
        while (!done) {
            if (partial != null) {
                // the value in parts first: the walk goes on only once it is written (one at a time)
                if (sink != null && !sink.resume(partDeadlineNanos)) {
                    break;
                }
                partial = null;
                if (given >= stop || (timed && System.nanoTime() - deadlineNanos >= 0)) {
                    break;
                }
            }
            if (table >= tables.length) {
                finish();
                break;
            }
            Dict d = tables[table];
            if (d.size() == 0) {
                d.freeze(false);
                table++;
                cursor = 0;
                continue;
            }
            cursor = d.walk(cursor, (int) Math.min(16, Math.max(1, stop - given)), walker);
            if (cursor < 0) {
                d.freeze(false);
                table++;
                cursor = 0;
            }
            // the clock after every few keys: a slice of collections must not run far past its budget
            if (given >= stop || (timed && System.nanoTime() - deadlineNanos >= 0)) {
                break;
            }
        }
        return done;
    }

    private void visit(Dict.Entry e) {
        if ((e.hash & Dict.MARK) != mark) {
            e.hash ^= Dict.MARK;
            given++;
            if (sink == null) {
                return;
            }
            if (partial == null) {
                if (!sink.keyInParts(table, e, deadline)) {
                    partial = e;
                }
            } else {
                sink.key(table, e); // the rest of the walked buckets, after the value in parts
            }
        }
    }

    /**
     * From {@link Database}: the key whose value is being serialized in parts is about to be read or changed (or
     * deleted, renamed, expired...): the rest of its value is serialized now, as it still is.
     */
    void finishPartial() {
        if (partial != null) {
            partial = null;
            if (sink != null) {
                sink.resume(Long.MAX_VALUE);
            }
        }
    }

    /** From {@link Database}: {@code e}, of table {@code d}, is about to change and has not been given. */
    void giveEarly(Dict d, Dict.Entry e) {
        for (int i = 0; i < tables.length; i++) {
            if (tables[i] == d) {
                e.hash ^= Dict.MARK;
                given++;
                if (sink != null) {
                    sink.key(i, e);
                }
                return;
            }
        }
        // not a table the snapshot began with: its entries were all born marked
    }

    /**
     * Abandons the snapshot (FLUSHALL, a failed write, shutdown): nothing more goes to the sink. The tables still in
     * the keyspace are walked to the end to mark what is left, so the next snapshot starts from a known state; that
     * costs a pass over the keys without serializing any.
     */
    public void abort() {
        if (done) {
            return;
        }
        sink = null;
        partial = null;
        for (int i = table; i < tables.length; i++) {
            if (!live(tables[i])) {
                tables[i].freeze(false);
                tables[i] = EMPTY; // flushed or replaced: nobody will read its marks again
            }
        }
        while (!step(Long.MAX_VALUE, Long.MAX_VALUE)) {
            // until done
        }
    }

    private static final Dict EMPTY = new Dict(0);

    private boolean live(Dict d) {
        for (int i = 0; i < keyspace.count(); i++) {
            if (keyspace.db(i).keys() == d) {
                return true;
            }
        }
        return false;
    }

    private void finish() {
        for (Dict d : tables) {
            d.freeze(false);
        }
        done = true;
        if (keyspace.snapshot == this) {
            keyspace.snapshot = null;
        }
    }
}
