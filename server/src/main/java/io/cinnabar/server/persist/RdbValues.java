package io.cinnabar.server.persist;

import io.cinnabar.server.exec.Config;
import io.cinnabar.server.types.HashValue;
import io.cinnabar.server.types.IntSet;
import io.cinnabar.server.types.ListValue;
import io.cinnabar.server.types.Listpack;
import io.cinnabar.server.types.PelMap;
import io.cinnabar.server.types.RawString;
import io.cinnabar.server.types.SetValue;
import io.cinnabar.server.types.StreamConsumer;
import io.cinnabar.server.types.StreamGroup;
import io.cinnabar.server.types.StreamID;
import io.cinnabar.server.types.StreamNack;
import io.cinnabar.server.types.StreamValue;
import io.cinnabar.server.types.Strings;
import io.cinnabar.server.types.Value;
import io.cinnabar.server.types.ZSetValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;

/**
 * The value part of an RDB key entry, DUMP payload and AOF preamble: which object type byte Redis 7.0 writes for
 * a value (rdbSaveObjectType), the value's bytes (rdbSaveObject), and the reverse for every type Redis 7.0 loads,
 * old encodings included (rdbLoadObject), converting to the encoding the loading server's thresholds ask for as
 * Redis does. One place for all types, so SAVE, BGSAVE, DUMP, RESTORE, DEBUG RELOAD and the AOF preamble agree.
 *
 * <p>Values are what the keyspace stores: {@code byte[]}, {@code Long} or {@link RawString} for strings, a
 * {@link Value} for the other types. Packed encodings (listpacks, intsets) are written straight from their arrays
 * and read back as the arrays they arrive in, so neither direction allocates per element for them.
 *
 * <p>Reading never trusts a length: every blob is walked once to find its entries (which also proves it well
 * formed, so later commands cannot trip over it), and what rdb.c checks only under {@code sanitize-dump-payload}
 * (duplicates, stream node layout beyond the header) is checked under {@code deepSanitize}; stream node layout and
 * the pairing of hash and sorted-set listpacks are checked always, since this server's code relies on them. All
 * failures are {@link RdbFormatException}s carrying rdb.c's message.
 *
 * <p>The save and load loops are ported from Redis 7.0's rdb.c (rdbSaveObject, rdbLoadObject, rdbSaveStreamPEL,
 * rdbSaveStreamConsumers) and the stream node check from t_stream.c's streamValidateListpackIntegrity; Copyright
 * (c) 2009-2012 Salvatore Sanfilippo, (c) 2017 Salvatore Sanfilippo, Redis Ltd.; BSD-3-Clause, see NOTICE. Not
 * thread-safe: values belong to the executor while they are written.
 */
public final class RdbValues {
    /** quicklist.h's node containers. */
    private static final int CONTAINER_PLAIN = 1;
    private static final int CONTAINER_PACKED = 2;
    /** LISTPACK_MAX_SAFETY_SIZE: lpSafeToAdd's limit. */
    private static final long LISTPACK_SAFETY_SIZE = 1L << 30;
    private static final String MODULE_CHARSET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private RdbValues() {
    }

    // ------------------------------------------------------------------ writing

    /** rdbSaveObjectType: the type byte Redis 7.0 writes for {@code value} in its current encoding. */
    public static int typeOf(Object value) {
        if (value instanceof byte[] || value instanceof Long || value instanceof RawString) {
            return RdbType.STRING;
        }
        if (value instanceof ListValue) {
            return RdbType.LIST_QUICKLIST_2;
        }
        if (value instanceof SetValue s) {
            return s.isIntset() ? RdbType.SET_INTSET : RdbType.SET;
        }
        if (value instanceof HashValue h) {
            return h.isListpack() ? RdbType.HASH_LISTPACK : RdbType.HASH;
        }
        if (value instanceof ZSetValue z) {
            return z.isListpack() ? RdbType.ZSET_LISTPACK : RdbType.ZSET_2;
        }
        if (value instanceof StreamValue) {
            return RdbType.STREAM_LISTPACKS_2;
        }
        throw new IllegalArgumentException("no RDB type for " + value.getClass().getName());
    }

    /** rdbSaveObject: the value's bytes, after its type byte. */
    public static void write(RdbOutput out, Object value) {
        if (value instanceof byte[] b) {
            out.writeString(b);
        } else if (value instanceof Long l) {
            out.writeString(l);
        } else if (value instanceof RawString r) {
            out.writeString(r.buffer(), 0, r.length());
        } else if (value instanceof ListValue l) {
            writeList(out, l);
        } else if (value instanceof SetValue s) {
            writeSet(out, s);
        } else if (value instanceof HashValue h) {
            writeHash(out, h);
        } else if (value instanceof ZSetValue z) {
            writeZset(out, z);
        } else if (value instanceof StreamValue s) {
            writeStream(out, s);
        } else {
            throw new IllegalArgumentException("no RDB form for " + value.getClass().getName());
        }
    }

    /**
     * LIST_QUICKLIST_2: the node count, then per node its container and its listpack, a compressed node as the LZF
     * blob it already is (rdbSaveLzfBlob), an uncompressed one through rdbSaveRawString (LZF if that pays).
     */
    private static void writeList(RdbOutput out, ListValue l) {
        out.writeLength(l.nodeCount());
        l.forEachNode((data, length, compressed, rawBytes) -> writeNode(out, data, length, compressed, rawBytes));
    }

    private static void writeNode(RdbOutput out, byte[] data, int length, boolean compressed, int rawBytes) {
        out.writeLength(CONTAINER_PACKED); // this server keeps even huge elements in listpacks
        if (compressed) {
            out.write(0xc3); // RDB_ENCVAL << 6 | RDB_ENC_LZF
            out.writeLength(length);
            out.writeLength(rawBytes);
            out.write(data, 0, length);
        } else {
            out.writeString(data, 0, length);
        }
    }

    private static void writeSet(RdbOutput out, SetValue s) {
        IntSet ints = s.intset();
        if (ints != null) {
            out.writeString(ints.array(), 0, ints.bytes());
            return;
        }
        out.writeLength(s.size());
        s.forEach(out::writeString);
    }

    private static void writeHash(RdbOutput out, HashValue h) {
        Listpack lp = h.listpack();
        if (lp != null) {
            out.writeString(lp.array(), 0, lp.bytes());
            return;
        }
        out.writeLength(h.size());
        h.forEach((field, value) -> {
            out.writeString(field);
            out.writeString(value);
        });
    }

    // ------------------------------------------------------------------ writing in parts

    /** Collections with more elements than this (or lists of more nodes than {@link #PART_MIN_NODES}) go in parts. */
    static final int PART_MIN_ELEMENTS = 256;
    static final int PART_MIN_NODES = 2;
    /** Elements (buckets for tables) written between two looks at the clock and the buffer. */
    private static final int PART_BATCH = 32;

    /**
     * The rest of a value being written across several calls, so that a snapshot's slice never has to serialize a
     * 100,000-element collection whole: the bytes are exactly what {@link #write} gives, the element count
     * first. The value must not be read or changed until the part is done (the snapshot finishes it at once when a
     * command looks its key up). Not thread-safe.
     */
    public abstract static class Part {
        /**
         * Writes more of the value to {@code out}, stopping once {@code out} holds {@code maxSize} bytes or more, or
         * {@code deadlineNanos} ({@link System#nanoTime}; Long.MAX_VALUE for none) has passed, both checked every
         * few elements; returns true when the whole value is written.
         */
        public abstract boolean write(RdbOutput out, long deadlineNanos, int maxSize);

        static boolean stop(RdbOutput out, long deadlineNanos, int maxSize) {
            return out.size() >= maxSize || (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0);
        }
    }

    /**
     * rdbSaveObject for a value that may be written in parts: a big hash-table set or hash, skiplist sorted set or
     * many-node list gets its element count written now and is returned as a {@link Part} for the rest; any other
     * value is written whole and null returned.
     */
    public static Part begin(RdbOutput out, Object value) {
        if (value instanceof SetValue s && !s.isIntset() && s.size() > PART_MIN_ELEMENTS) {
            out.writeLength(s.size());
            return new TablePart(s, null);
        }
        if (value instanceof HashValue h && !h.isListpack() && h.size() > PART_MIN_ELEMENTS) {
            out.writeLength(h.size());
            return new TablePart(null, h);
        }
        if (value instanceof ZSetValue z && !z.isListpack() && z.size() > PART_MIN_ELEMENTS) {
            out.writeLength(z.size());
            return new ZsetPart(z);
        }
        if (value instanceof ListValue l && l.nodeCount() > PART_MIN_NODES) {
            out.writeLength(l.nodeCount());
            return new ListPart(l);
        }
        write(out, value);
        return null;
    }

    /** The members of a set, or fields and values of a hash, bucket by bucket as {@link #writeSet} writes them. */
    private static final class TablePart extends Part implements io.cinnabar.server.db.Dict.Visitor {
        private final SetValue set;
        private final HashValue hash;
        private long position;
        private RdbOutput out;

        TablePart(SetValue set, HashValue hash) {
            this.set = set;
            this.hash = hash;
        }

        @Override
        public boolean write(RdbOutput out, long deadlineNanos, int maxSize) {
            this.out = out;
            do {
                position = set != null ? set.walk(position, PART_BATCH, this) : hash.walk(position, PART_BATCH, this);
                if (position < 0) {
                    return true;
                }
            } while (!stop(out, deadlineNanos, maxSize));
            return false;
        }

        @Override
        public void visit(io.cinnabar.server.db.Dict.Entry e) {
            out.writeString(e.key);
            if (hash != null) {
                out.writeString((byte[]) e.value);
            }
        }
    }

    /** A skiplist sorted set from its greatest element down, as {@link #writeZset} writes it. */
    private static final class ZsetPart extends Part {
        private final ZSetValue.Cursor cursor;

        ZsetPart(ZSetValue z) {
            this.cursor = z.at(z.size() - 1);
        }

        @Override
        public boolean write(RdbOutput out, long deadlineNanos, int maxSize) {
            while (true) {
                for (int i = 0; i < PART_BATCH; i++) {
                    if (!cursor.valid()) {
                        return true;
                    }
                    out.writeString(cursor.member());
                    out.writeBinaryDouble(cursor.score());
                    cursor.prev();
                }
                if (stop(out, deadlineNanos, maxSize)) {
                    return !cursor.valid();
                }
            }
        }
    }

    /** A list node by node, as {@link #writeList} writes them (a node is up to a few kilobytes). */
    private static final class ListPart extends Part implements ListValue.NodeVisitor {
        private final ListValue list;
        private int node;
        private RdbOutput out;

        ListPart(ListValue list) {
            this.list = list;
        }

        @Override
        public boolean write(RdbOutput out, long deadlineNanos, int maxSize) {
            this.out = out;
            while (node < list.nodeCount()) {
                list.visitNode(node++, this);
                if (stop(out, deadlineNanos, maxSize)) {
                    return node >= list.nodeCount();
                }
            }
            return true;
        }

        @Override
        public void visit(byte[] data, int length, boolean compressed, int rawBytes) {
            writeNode(out, data, length, compressed, rawBytes);
        }
    }

    /** ZSET_2 goes from the greatest element to the smallest, as Redis walks its skiplist from the tail. */
    private static void writeZset(RdbOutput out, ZSetValue z) {
        Listpack lp = z.listpack();
        if (lp != null) {
            out.writeString(lp.array(), 0, lp.bytes());
            return;
        }
        out.writeLength(z.size());
        for (ZSetValue.Cursor c = z.at(z.size() - 1); c.valid(); c.prev()) {
            out.writeString(c.member());
            out.writeBinaryDouble(c.score());
        }
    }

    private static void writeStream(RdbOutput out, StreamValue s) {
        out.writeLength(s.nodeCount());
        s.forEachNode((ms, seq, lp) -> {
            out.writeLength(16); // the radix tree key: a 16-byte string is never int- nor LZF-encoded
            writeId(out, ms, seq);
            out.writeString(lp.array(), 0, lp.bytes());
        });
        out.writeLength(s.length());
        out.writeLength(s.lastMs());
        out.writeLength(s.lastSeq());
        StreamID first = s.firstId();
        out.writeLength(first.ms);
        out.writeLength(first.seq);
        StreamID maxDeleted = s.maxDeletedId();
        out.writeLength(maxDeleted.ms);
        out.writeLength(maxDeleted.seq);
        out.writeLength(s.entriesAdded());
        out.writeLength(s.groupCount());
        if (s.groupCount() == 0) {
            return;
        }
        for (Map.Entry<byte[], StreamGroup> e : s.groups().entrySet()) {
            StreamGroup g = e.getValue();
            out.writeString(e.getKey());
            out.writeLength(g.lastId.ms);
            out.writeLength(g.lastId.seq);
            out.writeLength(g.entriesRead); // -1 (unknown) goes out as the 64-bit form of 2^64-1, as in Redis
            PelMap pel = g.pel;
            out.writeLength(pel.size());
            for (long p = pel.first(); p >= 0; p = pel.next(p)) {
                writeId(out, pel.keyMs(p), pel.keySeq(p));
                StreamNack nack = pel.value(p);
                out.writeMillis(nack.deliveryTime);
                out.writeLength(nack.deliveryCount);
            }
            out.writeLength(g.consumers.size());
            for (StreamConsumer c : g.consumers.values()) {
                out.writeString(c.name);
                out.writeMillis(c.seenTime);
                out.writeLength(c.pel.size());
                for (long p = c.pel.first(); p >= 0; p = c.pel.next(p)) {
                    writeId(out, c.pel.keyMs(p), c.pel.keySeq(p));
                }
            }
        }
    }

    /** A stream ID as its 128-bit big-endian radix tree key. */
    private static void writeId(RdbOutput out, long ms, long seq) {
        out.writeLittleEndian(Long.reverseBytes(ms), 8);
        out.writeLittleEndian(Long.reverseBytes(seq), 8);
    }

    // ------------------------------------------------------------------ reading

    /**
     * rdbLoadObject: a value of RDB type {@code type}, in the encoding {@code config}'s thresholds give it (as Redis
     * converts on load). Returns null for an empty collection, which Redis's loader skips (and RESTORE refuses).
     * {@code deepSanitize} checks packed blobs entry by entry (sanitize-dump-payload yes).
     */
    public static Object read(RdbInput in, int type, Config config, boolean deepSanitize) throws IOException {
        switch (type) {
            case RdbType.STRING:
                return Strings.encode(in.readString()); // tryObjectEncoding: "int" for integers, as Redis
            case RdbType.LIST:
                return readPlainList(in, config);
            case RdbType.SET:
                return readSet(in, config);
            case RdbType.ZSET:
            case RdbType.ZSET_2:
                return readZset(in, type, config);
            case RdbType.HASH:
                return readHash(in, config);
            case RdbType.LIST_QUICKLIST:
            case RdbType.LIST_QUICKLIST_2:
                return readQuicklist(in, type, config);
            case RdbType.HASH_ZIPMAP:
                return readZipmap(in, config);
            case RdbType.LIST_ZIPLIST:
                return readListZiplist(in, config);
            case RdbType.SET_INTSET:
                return readIntset(in, config);
            case RdbType.ZSET_ZIPLIST:
            case RdbType.HASH_ZIPLIST:
                return readPairsZiplist(in, type, config);
            case RdbType.ZSET_LISTPACK:
            case RdbType.HASH_LISTPACK:
                return readPairsListpack(in, type, config, deepSanitize);
            case RdbType.STREAM_LISTPACKS:
            case RdbType.STREAM_LISTPACKS_2:
                return readStream(in, type, deepSanitize);
            case RdbType.MODULE:
            case RdbType.MODULE_2: {
                long id = in.readLength();
                throw in.error("The RDB file contains module data I can't load: no matching module type '"
                        + moduleName(id) + "' (this server has no modules)");
            }
            default:
                throw in.error("Unknown RDB encoding type " + type);
        }
    }

    /** moduleTypeNameByID: the 9-character name in the id's top 54 bits. */
    static String moduleName(long id) {
        char[] name = new char[9];
        long rest = id >>> 10;
        for (int j = 8; j >= 0; j--) {
            name[j] = MODULE_CHARSET.charAt((int) (rest & 63));
            rest >>>= 6;
        }
        return new String(name);
    }

    /** RDB_TYPE_LIST (before 3.2): a count, then each element, pushed at the tail as quicklistPushTail. */
    private static ListValue readPlainList(RdbInput in, Config config) throws IOException {
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        ListValue l = new ListValue(config.listMaxListpackSize(), config.listCompressDepth());
        for (long i = 0; Long.compareUnsigned(i, len) < 0; i++) {
            l.pushTail(in.readString());
        }
        return l;
    }

    /**
     * RDB_TYPE_SET: an intset unless the count passes set-max-intset-entries (capped at 2^30 as Redis caps it) or a
     * member is not an integer; a repeated member is corrupt data.
     */
    private static SetValue readSet(RdbInput in, Config config) throws IOException {
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        long maxEntries = config.setMaxIntsetEntries();
        SetValue s = Long.compareUnsigned(len, Math.min(maxEntries, 1L << 30)) > 0 ? SetValue.table() : new SetValue();
        for (long i = 0; Long.compareUnsigned(i, len) < 0; i++) {
            if (!s.add(in.readString(), maxEntries)) {
                throw in.error("Duplicate set members detected");
            }
        }
        return s;
    }

    /**
     * RDB_TYPE_ZSET_2 (binary scores) and RDB_TYPE_ZSET (text scores): loaded into a skiplist, then made a
     * listpack when small enough, as Redis converts after loading since the elements come in no useful order.
     */
    private static ZSetValue readZset(RdbInput in, int type, Config config) throws IOException {
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        ZSetValue z = new ZSetValue(true);
        long maxLength = 0;
        long totalLength = 0;
        for (long i = 0; Long.compareUnsigned(i, len) < 0; i++) {
            byte[] member = in.readString();
            double score = type == RdbType.ZSET_2 ? in.readBinaryDouble() : in.readTextDouble();
            if (Double.isNaN(score)) {
                throw in.error("Zset with NAN score detected");
            }
            maxLength = Math.max(maxLength, member.length);
            totalLength += member.length;
            if (!z.addLoaded(member, score)) {
                throw in.error("Duplicate zset fields detected");
            }
        }
        if (z.size() <= config.zsetMaxListpackEntries() && maxLength <= config.zsetMaxListpackValue()
                && totalLength <= LISTPACK_SAFETY_SIZE) {
            z.convertToListpack();
        }
        return z;
    }

    /**
     * RDB_TYPE_HASH: a listpack while the count is within hash-max-listpack-entries and every field and value
     * within hash-max-listpack-value, a table from the first that is not; a repeated field is corrupt data.
     */
    private static HashValue readHash(RdbInput in, Config config) throws IOException {
        long len = in.readLength();
        if (len == 0) {
            return null;
        }
        long maxEntries = config.hashMaxListpackEntries();
        long maxValue = config.hashMaxListpackValue();
        HashValue h = Long.compareUnsigned(len, maxEntries) > 0 ? HashValue.table() : new HashValue();
        for (long i = 0; Long.compareUnsigned(i, len) < 0; i++) {
            byte[] field = in.readString();
            byte[] value = in.readString();
            h.makeRoomFor(field, maxValue);
            h.makeRoomFor(value, maxValue);
            if (!h.set(field, value, maxEntries)) {
                throw in.error("Duplicate hash fields detected");
            }
        }
        return h;
    }

    /**
     * RDB_TYPE_LIST_QUICKLIST_2 (a container and a listpack per node) and RDB_TYPE_LIST_QUICKLIST (a ziplist per
     * node): each node kept as it comes, in this server's compression; empty nodes skipped.
     */
    private static ListValue readQuicklist(RdbInput in, int type, Config config) throws IOException {
        long nodes = in.readLength();
        if (nodes == 0) {
            return null;
        }
        ListValue l = new ListValue(config.listMaxListpackSize(), config.listCompressDepth());
        for (long i = 0; Long.compareUnsigned(i, nodes) < 0; i++) {
            long container = CONTAINER_PACKED;
            if (type == RdbType.LIST_QUICKLIST_2) {
                container = in.readLength();
                if (container != CONTAINER_PACKED && container != CONTAINER_PLAIN) {
                    throw in.error("Quicklist integrity check failed.");
                }
            }
            byte[] data = in.readString();
            if (data.length == 0) {
                throw in.error("Empty quicklist node");
            }
            Listpack lp;
            if (container == CONTAINER_PLAIN) {
                lp = new Listpack(data.length + 16); // a plain node holds one element; here it is a listpack of one
                lp.append(data);
            } else if (type == RdbType.LIST_QUICKLIST_2) {
                lp = listpack(in, data, "Listpack integrity check failed.");
            } else {
                lp = ziplistToListpack(in, data, "Ziplist integrity check failed.");
            }
            if (lp.size() > 0) {
                l.appendNode(lp);
            }
        }
        return l.size() == 0 ? null : l;
    }

    /** RDB_TYPE_HASH_ZIPMAP (before 2.6): always checked deeply and converted, as Redis does. */
    private static HashValue readZipmap(RdbInput in, Config config) throws IOException {
        byte[] zm = in.readString();
        Listpack lp = new Listpack();
        HashSet<ByteBuffer> fields = new HashSet<>();
        long[] maxLength = new long[1];
        try {
            OldEncodings.zipmapPairs(zm, (f, fo, fl, v, vo, vl) -> {
                maxLength[0] = Math.max(maxLength[0], Math.max(fl, vl));
                if (!fields.add(ByteBuffer.wrap(f, fo, fl)) || (long) lp.bytes() + fl + vl > LISTPACK_SAFETY_SIZE) {
                    throw new IllegalArgumentException("Hash zipmap with dup elements, or big length (" + fl + ")");
                }
                lp.append(f, fo, fl);
                lp.append(v, vo, vl);
            });
        } catch (IllegalArgumentException e) {
            throw in.error(e.getMessage());
        }
        if (lp.size() == 0) {
            throw in.error("Zipmap integrity check failed."); // zipmapValidateIntegrity refuses an empty zipmap
        }
        // too many fields, or one field or value too long: a table (-1 makes any count too many)
        boolean tooLong = maxLength[0] > config.hashMaxListpackValue();
        return HashValue.ofListpack(lp, tooLong ? -1 : config.hashMaxListpackEntries());
    }

    /** RDB_TYPE_LIST_ZIPLIST (3.0 and before): every element pushed at the tail. */
    private static ListValue readListZiplist(RdbInput in, Config config) throws IOException {
        byte[] zl = in.readString();
        ListValue l = new ListValue(config.listMaxListpackSize(), config.listCompressDepth());
        try {
            OldEncodings.ziplistEntries(zl, new OldEncodings.EntrySink() {
                @Override
                public void string(byte[] b, int off, int len) {
                    l.pushTail(java.util.Arrays.copyOfRange(b, off, off + len));
                }

                @Override
                public void integer(long v) {
                    l.pushTail(io.cinnabar.protocol.bytes.Numbers.toNewBytes(v));
                }
            });
        } catch (IllegalArgumentException e) {
            throw in.error("List ziplist integrity check failed.");
        }
        return l.size() == 0 ? null : l;
    }

    private static SetValue readIntset(RdbInput in, Config config) throws IOException {
        byte[] blob = in.readString();
        IntSet ints;
        try {
            ints = IntSet.of(blob); // sorted and unique checked always: the set's searches rely on it
        } catch (IllegalArgumentException e) {
            throw in.error("Intset integrity check failed.");
        }
        return SetValue.ofIntSet(ints, config.setMaxIntsetEntries());
    }

    /**
     * RDB_TYPE_ZSET_ZIPLIST and RDB_TYPE_HASH_ZIPLIST (before 7.0): converted to a listpack entry by entry with
     * the repeated-field check Redis always makes on them, then to a skiplist or table past the entry limit.
     */
    private static Object readPairsZiplist(RdbInput in, int type, Config config) throws IOException {
        boolean zset = type == RdbType.ZSET_ZIPLIST;
        byte[] zl = in.readString();
        Listpack lp = new Listpack(zl.length);
        HashSet<ByteBuffer> fields = new HashSet<>();
        long[] count = new long[1];
        try {
            OldEncodings.ziplistEntries(zl, new OldEncodings.EntrySink() {
                @Override
                public void string(byte[] b, int off, int len) {
                    if ((count[0]++ & 1) == 0 && !fields.add(ByteBuffer.wrap(b, off, len))) {
                        throw new IllegalArgumentException("duplicate");
                    }
                    lp.append(b, off, len);
                }

                @Override
                public void integer(long v) {
                    if ((count[0]++ & 1) == 0
                            && !fields.add(ByteBuffer.wrap(io.cinnabar.protocol.bytes.Numbers.toNewBytes(v)))) {
                        throw new IllegalArgumentException("duplicate");
                    }
                    lp.append(v);
                }
            });
            if ((count[0] & 1) != 0) {
                throw new IllegalArgumentException("odd");
            }
        } catch (IllegalArgumentException e) {
            throw in.error(zset ? "Zset ziplist integrity check failed." : "Hash ziplist integrity check failed.");
        }
        if (lp.size() == 0) {
            return null;
        }
        lp.trim(); // lpShrinkToFit
        return zset ? ZSetValue.ofListpack(lp, config.zsetMaxListpackEntries())
                : HashValue.ofListpack(lp, config.hashMaxListpackEntries());
    }

    /**
     * RDB_TYPE_ZSET_LISTPACK and RDB_TYPE_HASH_LISTPACK: the blob becomes the value's listpack as it is; past the
     * entry limit it converts. Under deep sanitization a repeated field or member is refused.
     */
    private static Object readPairsListpack(RdbInput in, int type, Config config, boolean deep) throws IOException {
        boolean zset = type == RdbType.ZSET_LISTPACK;
        String failed = zset ? "Zset listpack integrity check failed." : "Hash listpack integrity check failed.";
        Listpack lp = listpack(in, in.readString(), failed);
        if ((lp.size() & 1) != 0) {
            throw in.error(failed); // lpPairsValidateIntegrityAndDups; checked always, pairs are walked in twos
        }
        if (deep) {
            HashSet<ByteBuffer> seen = new HashSet<>();
            for (int p = lp.first(); p >= 0; p = lp.next(lp.next(p))) {
                if (!seen.add(ByteBuffer.wrap(lp.bytesAt(p)))) {
                    throw in.error(failed);
                }
            }
        }
        if (lp.size() == 0) {
            return null;
        }
        return zset ? ZSetValue.ofListpack(lp, config.zsetMaxListpackEntries())
                : HashValue.ofListpack(lp, config.hashMaxListpackEntries());
    }

    /**
     * RDB_TYPE_STREAM_LISTPACKS_2 and its v1 form (no first ID, greatest deleted ID, entries added nor entries
     * read, which are derived as Redis derives them): the nodes, the metadata, the groups with their PELs and
     * consumers. A stream with no entries is a value like any other.
     */
    private static StreamValue readStream(RdbInput in, int type, boolean deep) throws IOException {
        boolean v2 = type == RdbType.STREAM_LISTPACKS_2;
        StreamValue s = new StreamValue();
        long nodes = in.readLength();
        for (long i = 0; Long.compareUnsigned(i, nodes) < 0; i++) {
            byte[] key = in.readString();
            if (key.length != 16) {
                throw in.error("Stream node key entry is not the size of a stream ID");
            }
            Listpack lp = listpack(in, in.readString(), "Stream listpack integrity check failed.");
            if (!validStreamNode(lp)) {
                throw in.error(lp.size() == 0 ? "Empty listpack inside stream"
                        : "Stream listpack integrity check failed.");
            }
            if (!s.addLoadedNode(bigEndian(key, 0), bigEndian(key, 8), lp)) {
                throw in.error("Listpack re-added with existing key");
            }
        }
        long length = in.readLength();
        long lastMs = in.readLength();
        long lastSeq = in.readLength();
        if (v2) {
            long firstMs = in.readLength();
            long firstSeq = in.readLength();
            long maxDeletedMs = in.readLength();
            long maxDeletedSeq = in.readLength();
            long entriesAdded = in.readLength();
            s.setLoadedMetadata(length, lastMs, lastSeq, firstMs, firstSeq, maxDeletedMs, maxDeletedSeq,
                    entriesAdded);
        } else {
            s.setLoadedMetadata(length, lastMs, lastSeq, 0, 0, 0, 0, length);
            long[] first = s.edge(true, true); // streamGetEdgeID over the loaded nodes
            s.setLoadedMetadata(length, lastMs, lastSeq, first[0], first[1], 0, 0, length);
        }
        if (length != 0 && s.nodeCount() == 0) {
            throw in.error("Stream length inconsistent with rax entries");
        }
        long groups = in.readLength();
        for (long i = 0; Long.compareUnsigned(i, groups) < 0; i++) {
            byte[] name = in.readString();
            StreamID lastId = new StreamID(in.readLength(), in.readLength());
            long entriesRead = v2 ? in.readLength() : s.estimateDistanceFromFirstEverEntry(lastId);
            StreamGroup g = s.createGroup(name, lastId, entriesRead);
            if (g == null) {
                throw in.error("Duplicated consumer group name " + new String(name, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            long pelSize = in.readLength();
            for (long j = 0; Long.compareUnsigned(j, pelSize) < 0; j++) {
                long ms = readBigEndian(in);
                long seq = readBigEndian(in);
                StreamNack nack = new StreamNack(null, in.readMillis());
                nack.deliveryCount = in.readLength();
                if (g.pel.put(ms, seq, nack) != null) {
                    throw in.error("Duplicated global PEL entry loading stream consumer group");
                }
            }
            long consumers = in.readLength();
            for (long j = 0; Long.compareUnsigned(j, consumers) < 0; j++) {
                StreamConsumer c = g.createConsumer(in.readString(), 0);
                if (c == null) {
                    throw in.error("Duplicate stream consumer detected.");
                }
                c.seenTime = in.readMillis();
                long owned = in.readLength();
                for (long k = 0; Long.compareUnsigned(k, owned) < 0; k++) {
                    long ms = readBigEndian(in);
                    long seq = readBigEndian(in);
                    StreamNack nack = g.pel.get(ms, seq);
                    if (nack == null) {
                        throw in.error("Consumer entry not found in group global PEL");
                    }
                    nack.consumer = c;
                    if (c.pel.put(ms, seq, nack) != null) {
                        throw in.error("Duplicated consumer PEL entry  loading a stream consumer group");
                    }
                }
            }
            // Redis checks this only under deep sanitization; every command here relies on it, so always
            for (long p = g.pel.first(); p >= 0; p = g.pel.next(p)) {
                if (g.pel.value(p).consumer == null) {
                    throw in.error("Stream CG PEL entry without consumer");
                }
            }
        }
        return s;
    }

    /** Eight raw bytes, big-endian (half of a stream ID as PELs store it). */
    private static long readBigEndian(RdbInput in) throws IOException {
        return Long.reverseBytes(in.readLittleEndian(8));
    }

    private static long bigEndian(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /**
     * A listpack over {@code blob} (which it takes), walked entry by entry as lpValidateIntegrity's deep mode: the
     * walk is what gives the entry count, so it is never skipped.
     */
    private static Listpack listpack(RdbInput in, byte[] blob, String failed) throws IOException {
        try {
            return Listpack.of(blob);
        } catch (IllegalArgumentException e) {
            throw in.error(failed);
        }
    }

    /** A ziplist's entries appended to a new listpack (_ziplistEntryConvertAndValidate). */
    private static Listpack ziplistToListpack(RdbInput in, byte[] zl, String failed) throws IOException {
        Listpack lp = new Listpack(zl.length);
        try {
            OldEncodings.ziplistEntries(zl, new OldEncodings.EntrySink() {
                @Override
                public void string(byte[] b, int off, int len) {
                    lp.append(b, off, len);
                }

                @Override
                public void integer(long v) {
                    lp.append(v);
                }
            });
        } catch (IllegalArgumentException e) {
            throw in.error(failed);
        }
        lp.trim();
        return lp;
    }

    /**
     * streamValidateListpackIntegrity's deep walk over a listpack already walked by {@link Listpack#of}: the master
     * entry (count, deleted, fields, 0), then as many entries as it counts, each with its flags, ID deltas, fields
     * and values, and an lp-count that matches, and nothing after. Numbers must be listpack integers (Redis also
     * takes a decimal string there, which it never writes itself).
     */
    static boolean validStreamNode(Listpack lp) {
        int[] p = {lp.first()};
        long[] v = new long[1];
        if (!integer(lp, p, v)) {
            return false;
        }
        long entryCount = v[0];
        if (!integer(lp, p, v)) {
            return false;
        }
        long deletedCount = v[0];
        if (!integer(lp, p, v)) {
            return false;
        }
        long masterFields = v[0];
        for (long j = 0; j < masterFields; j++) {
            if (!skip(lp, p)) {
                return false;
            }
        }
        if (!integer(lp, p, v) || v[0] != 0) {
            return false;
        }
        entryCount += deletedCount;
        while (entryCount-- != 0) {
            long fields = masterFields;
            long extraFields = 3;
            if (!integer(lp, p, v)) {
                return false;
            }
            long flags = v[0];
            if (!integer(lp, p, v) || !integer(lp, p, v)) { // the ID's ms and seq deltas
                return false;
            }
            if ((flags & StreamValue.FLAG_SAMEFIELDS) == 0) {
                if (!integer(lp, p, v)) {
                    return false;
                }
                fields = v[0];
                for (long j = 0; j < fields; j++) {
                    if (!skip(lp, p)) {
                        return false;
                    }
                }
                extraFields += fields + 1;
            }
            for (long j = 0; j < fields; j++) {
                if (!skip(lp, p)) {
                    return false;
                }
            }
            if (!integer(lp, p, v) || v[0] != fields + extraFields) {
                return false;
            }
        }
        return p[0] < 0;
    }

    /** Reads the integer at {@code p[0]} into {@code v[0]} and steps on; false if there is none or it is a string. */
    private static boolean integer(Listpack lp, int[] p, long[] v) {
        if (p[0] < 0 || !lp.isInteger(p[0])) {
            return false;
        }
        v[0] = lp.integerAt(p[0]);
        p[0] = lp.next(p[0]);
        return true;
    }

    private static boolean skip(Listpack lp, int[] p) {
        if (p[0] < 0) {
            return false;
        }
        p[0] = lp.next(p[0]);
        return true;
    }
}
