package io.cinnabar.server.types;

import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.server.db.Dict;
import java.util.SplittableRandom;

/**
 * A set, encoded as Redis 7.0 encodes it: an {@link IntSet} while every member is an integer by string2ll's rules
 * and there are at most {@code set-max-intset-entries} of them, then a hash table of the members, never back
 * (t_set.c's setTypeAdd and setTypeConvert; 7.0 has no listpack sets). The table is the keyspace's own {@link Dict},
 * so SSCAN has Redis's cursor guarantees. Not thread-safe: executor thread only.
 */
public final class SetValue implements Value {
    private static final int OBJ_SET = 2;

    /** Receives a member; intset members are fresh arrays, table members the stored ones (never to be changed). */
    public interface MemberVisitor {
        void visit(byte[] member);
    }

    private IntSet ints;
    private Dict table;

    /** An empty intset-encoded set (createIntsetObject). */
    public SetValue() {
        this.ints = new IntSet();
    }

    private SetValue(IntSet ints, Dict table) {
        this.ints = ints;
        this.table = table;
    }

    /** An empty hash-table-encoded set (createSetObject), for a loader that knows it will be large. */
    public static SetValue table() {
        return new SetValue(null, new Dict(0x5eed));
    }

    /**
     * A set over an intset read from RDB or RESTORE, converted to a table when it has more than
     * {@code maxIntsetEntries} members, as rdbLoadObject does for RDB_TYPE_SET_INTSET.
     */
    public static SetValue ofIntSet(IntSet ints, long maxIntsetEntries) {
        SetValue s = new SetValue(ints, null);
        if (ints.size() > maxIntsetEntries) {
            s.convert();
        }
        return s;
    }

    /** setTypeCreate: an intset if the first member to come is an integer, else a table. */
    public static SetValue createFor(byte[] firstMember) {
        return isInteger(firstMember) ? new SetValue() : new SetValue(null, new Dict(0x5eed));
    }

    /** isSdsRepresentableAsLongLong: string2ll accepts it. */
    static boolean isInteger(byte[] s) {
        return Numbers.isLong(s);
    }

    public int size() {
        return table != null ? table.size() : ints.size();
    }

    public boolean isIntset() {
        return table == null;
    }

    /** The intset (RDB writes its array as it is), or null once the set is a table; not to be changed. */
    public IntSet intset() {
        return ints;
    }

    /** The intset's exact bytes (what RDB and DUMP write for it), or null once the set is a table. */
    public byte[] intsetBytes() {
        return table == null ? ints.toBytes() : null;
    }

    public boolean contains(byte[] member) {
        if (table != null) {
            return table.find(member) != null;
        }
        return isInteger(member) && ints.contains(Numbers.parseLong(member));
    }

    /** setTypeAdd: adds a member, true if new; past {@code maxIntsetEntries} or on a non-integer, becomes a table. */
    public boolean add(byte[] member, long maxIntsetEntries) {
        if (table != null) {
            if (table.find(member) != null) {
                return false;
            }
            table.insert(member);
            return true;
        }
        if (isInteger(member)) {
            if (!ints.add(Numbers.parseLong(member))) {
                return false;
            }
            if (ints.size() > maxIntsetEntries) {
                convert();
            }
            return true;
        }
        convert();
        table.insert(member);
        return true;
    }

    /** Removes a member; true if it was there. */
    public boolean remove(byte[] member) {
        if (table != null) {
            return table.remove(member) != null;
        }
        return isInteger(member) && ints.remove(Numbers.parseLong(member));
    }

    private void convert() {
        Dict converted = new Dict(0x5eed);
        for (int i = 0; i < ints.size(); i++) {
            converted.insert(Numbers.toNewBytes(ints.get(i)));
        }
        table = converted;
        ints = null;
    }

    /** Every member, in the set's order (ascending while an intset). */
    public void forEach(MemberVisitor visitor) {
        if (table != null) {
            table.forEach(e -> visitor.visit(e.key));
            return;
        }
        for (int i = 0; i < ints.size(); i++) {
            visitor.visit(Numbers.toNewBytes(ints.get(i)));
        }
    }

    /**
     * Walks a table-encoded set in bucket order, {@code maxBuckets} buckets from {@code position} (0 to start),
     * the visitor getting the entries (members are their keys); returns the next position, -1 at the end. A
     * snapshot writes a big set across slices with it: valid only while the set is not read or changed between the
     * calls (see {@link Dict#walk}).
     */
    public long walk(long position, int maxBuckets, Dict.Visitor visitor) {
        return table.walk(position, maxBuckets, visitor);
    }

    /** A uniformly chosen member (setTypeRandomElement); the set must not be empty. */
    public byte[] random(SplittableRandom random) {
        if (table != null) {
            return table.random(random).key;
        }
        return Numbers.toNewBytes(ints.random(random));
    }

    /** Removes and returns a random member (setTypePopRandom); the set must not be empty. */
    public byte[] pop(SplittableRandom random) {
        if (table != null) {
            byte[] member = table.random(random).key;
            table.remove(member);
            return member;
        }
        return Numbers.toNewBytes(ints.removeAt(ints.randomIndex(random)));
    }

    /**
     * One SSCAN step: an intset answers whole (cursor 0, as Redis's scanGenericCommand does for compact
     * encodings); a table visits buckets from {@code cursor} until about {@code count} members are found.
     */
    public long scan(long cursor, long count, MemberVisitor visitor) {
        if (table == null) {
            forEach(visitor);
            return 0;
        }
        int[] found = new int[1];
        Dict.Visitor each = e -> {
            visitor.visit(e.key);
            found[0]++;
        };
        long maxIterations = count * 10;
        do {
            cursor = table.scan(cursor, each);
        } while (cursor != 0 && maxIterations-- > 0 && found[0] < count);
        return cursor;
    }

    @Override
    public String typeName() {
        return "set";
    }

    @Override
    public String encoding() {
        return table == null ? "intset" : "hashtable";
    }

    @Override
    public SetValue copy() {
        if (table == null) {
            return new SetValue(ints.copy(), null);
        }
        Dict copy = new Dict(0x5eed);
        table.forEach(e -> copy.insert(e.key)); // stored arrays are never changed in place
        return new SetValue(null, copy);
    }

    /** The intset's array, or per member a table entry (40 bytes) and its array; sampled as Redis does. */
    @Override
    public long memoryUsage(int samples) {
        if (table == null) {
            return 24 + 24 + Types.arrayBytes(ints.bytes());
        }
        long[] sampled = new long[2];
        int limit = samples == 0 ? Integer.MAX_VALUE : samples;
        table.forEach(e -> {
            if (sampled[1] < limit) {
                sampled[0] += 40 + Types.arrayBytes(e.key.length);
                sampled[1]++;
            }
        });
        long tableBytes = 24 + 16 + 4L * Integer.highestOneBit(Math.max(1, table.size() * 2 - 1));
        return tableBytes + (sampled[1] == 0 ? 0 : sampled[0] * table.size() / sampled[1]);
    }

    /** xorObjectDigest for OBJ_SET: the type mixed in, then each member's SHA1 XORed into the digest itself. */
    @Override
    public void digest(Digest digest) {
        digest.mix(OBJ_SET);
        forEach(digest::xor);
    }
}
