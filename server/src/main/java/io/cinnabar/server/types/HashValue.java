package io.cinnabar.server.types;

import io.cinnabar.server.db.Dict;
import java.util.SplittableRandom;

/**
 * A hash, encoded as Redis 7.0 encodes it: a {@link Listpack} of field, value pairs while it has at most
 * {@code hash-max-listpack-entries} fields and no field or value longer than {@code hash-max-listpack-value}
 * bytes, then a hash table, never back (t_hash.c's hashTypeTryConversion and hashTypeConvert). The table is the
 * keyspace's own {@link Dict}, so HSCAN has Redis's cursor guarantees. Not thread-safe: executor thread only.
 */
public final class HashValue implements Value {
    private static final int OBJ_HASH = 4;

    /** Receives field and value; for listpack entries both are fresh copies. */
    public interface PairVisitor {
        void visit(byte[] field, byte[] value);
    }

    private Listpack listpack;
    private Dict table;

    public HashValue() {
        this.listpack = new Listpack();
    }

    private HashValue(Listpack listpack, Dict table) {
        this.listpack = listpack;
        this.table = table;
    }

    /** An empty hash-table-encoded hash, for a loader that knows it will be large (hashTypeConvert up front). */
    public static HashValue table() {
        return new HashValue(null, new Dict(0x5eed));
    }

    /**
     * A hash over a listpack of field, value pairs read from RDB or RESTORE (an even number of entries), converted
     * to a table when it has more than {@code maxEntries} fields, as rdbLoadObject does for RDB_TYPE_HASH_LISTPACK
     * (which looks at the count only, not at the lengths).
     */
    public static HashValue ofListpack(Listpack pairs, long maxEntries) {
        HashValue h = new HashValue(pairs, null);
        if (h.size() > maxEntries) {
            h.convert();
        }
        return h;
    }

    /** The listpack (RDB writes its array as it is), or null once the hash is a table; not to be changed. */
    public Listpack listpack() {
        return listpack;
    }

    public int size() {
        return table != null ? table.size() : listpack.size() / 2;
    }

    public boolean isListpack() {
        return table == null;
    }

    /** The listpack's exact bytes (what RDB and DUMP write for it), or null once the hash is a table. */
    public byte[] listpackBytes() {
        return table == null ? listpack.toBytes() : null;
    }

    /** The field's value, or null. */
    public byte[] get(byte[] field) {
        if (table != null) {
            Dict.Entry e = table.find(field);
            return e == null ? null : (byte[]) e.value;
        }
        int pos = listpack.find(field, 1);
        return pos < 0 ? null : listpack.bytesAt(listpack.next(pos));
    }

    public boolean contains(byte[] field) {
        return table != null ? table.find(field) != null : listpack.find(field, 1) >= 0;
    }

    /**
     * Converts to a hash table first if a field or value about to be stored is longer than a listpack may hold
     * (hashTypeTryConversion, which HSET runs over all its arguments before setting any).
     */
    public void makeRoomFor(byte[] s, long maxValue) {
        if (table == null && s.length > maxValue) {
            convert();
        }
    }

    /**
     * Sets a field, returning true if it is new; past {@code maxEntries} fields the hash becomes a table (callers
     * run {@link #makeRoomFor} on the field and value first).
     */
    public boolean set(byte[] field, byte[] value, long maxEntries) {
        if (table == null) {
            int pos = listpack.find(field, 1);
            if (pos >= 0) {
                listpack.replace(listpack.next(pos), value);
                return false;
            }
            listpack.append(field);
            listpack.append(value);
            if (size() > maxEntries) {
                convert();
            }
            return true;
        }
        Dict.Entry e = table.find(field);
        if (e != null) {
            e.value = value;
            return false;
        }
        table.insert(field).value = value;
        return true;
    }

    /** Removes a field; true if it was there. */
    public boolean delete(byte[] field) {
        if (table != null) {
            return table.remove(field) != null;
        }
        int pos = listpack.find(field, 1);
        if (pos < 0) {
            return false;
        }
        listpack.delete(listpack.delete(pos));
        return true;
    }

    private void convert() {
        Dict converted = new Dict(0x5eed);
        for (int pos = listpack.first(); pos >= 0; pos = listpack.next(listpack.next(pos))) {
            converted.insert(listpack.bytesAt(pos)).value = listpack.bytesAt(listpack.next(pos));
        }
        table = converted;
        listpack = null;
    }

    /** Every field and value, in the hash's order (insertion order while a listpack). */
    public void forEach(PairVisitor visitor) {
        if (table != null) {
            table.forEach(e -> visitor.visit(e.key, (byte[]) e.value));
            return;
        }
        for (int pos = listpack.first(); pos >= 0; pos = listpack.next(listpack.next(pos))) {
            visitor.visit(listpack.bytesAt(pos), listpack.bytesAt(listpack.next(pos)));
        }
    }

    /**
     * Walks a table-encoded hash in bucket order, {@code maxBuckets} buckets from {@code position} (0 to start),
     * the visitor getting the entries (field as key, value a {@code byte[]}); returns the next position, -1 at the
     * end. A snapshot writes a big hash across slices with it: valid only while the hash is not read or changed
     * between the calls (see {@link Dict#walk}).
     */
    public long walk(long position, int maxBuckets, Dict.Visitor visitor) {
        return table.walk(position, maxBuckets, visitor);
    }

    /**
     * One HSCAN step: a listpack answers whole (cursor 0, as Redis's scanGenericCommand does for compact
     * encodings); a table visits buckets from {@code cursor} until about {@code count} fields are found.
     */
    public long scan(long cursor, long count, PairVisitor visitor) {
        if (table == null) {
            forEach(visitor);
            return 0;
        }
        int[] found = new int[1];
        Dict.Visitor each = e -> {
            visitor.visit(e.key, (byte[]) e.value);
            found[0]++;
        };
        long maxIterations = count * 10;
        do {
            cursor = table.scan(cursor, each);
        } while (cursor != 0 && maxIterations-- > 0 && found[0] < count);
        return cursor;
    }

    /** A random field and its value, as {@code {field, value}}. */
    public byte[][] random(SplittableRandom random) {
        if (table != null) {
            Dict.Entry e = table.random(random);
            return new byte[][] {e.key, (byte[]) e.value};
        }
        int pos = listpack.seek(2L * random.nextInt(size()));
        return new byte[][] {listpack.bytesAt(pos), listpack.bytesAt(listpack.next(pos))};
    }

    @Override
    public String typeName() {
        return "hash";
    }

    @Override
    public String encoding() {
        return table == null ? "listpack" : "hashtable";
    }

    @Override
    public HashValue copy() {
        if (table == null) {
            return new HashValue(listpack.copy(), null);
        }
        Dict copy = new Dict(0x5eed);
        table.forEach(e -> copy.insert(e.key).value = e.value); // stored arrays are never changed in place
        return new HashValue(null, copy);
    }

    /** The listpack's array, or per field a table entry (40 bytes) and the two arrays; sampled as Redis does. */
    @Override
    public long memoryUsage(int samples) {
        if (table == null) {
            return 24 + Types.arrayBytes(listpack.array().length);
        }
        long[] sampled = new long[2];
        int limit = samples == 0 ? Integer.MAX_VALUE : samples;
        table.forEach(e -> {
            if (sampled[1] < limit) {
                sampled[0] += 40 + Types.arrayBytes(e.key.length) + Types.arrayBytes(((byte[]) e.value).length);
                sampled[1]++;
            }
        });
        long tableBytes = 24 + 16 + 4L * Integer.highestOneBit(Math.max(1, table.size() * 2 - 1));
        return tableBytes + (sampled[1] == 0 ? 0 : sampled[0] * table.size() / sampled[1]);
    }

    /** xorObjectDigest for OBJ_HASH: each field and value mixed into its own digest, those XORed together. */
    @Override
    public void digest(Digest digest) {
        digest.mix(OBJ_HASH);
        forEach((field, value) -> digest.xor(new Digest().mix(field).mix(value)));
    }
}
