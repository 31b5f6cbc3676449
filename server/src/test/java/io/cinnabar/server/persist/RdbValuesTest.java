package io.cinnabar.server.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cinnabar.server.exec.Config;
import io.cinnabar.server.types.Digest;
import io.cinnabar.server.types.HashValue;
import io.cinnabar.server.types.ListValue;
import io.cinnabar.server.types.RawString;
import io.cinnabar.server.types.SetValue;
import io.cinnabar.server.types.StreamConsumer;
import io.cinnabar.server.types.StreamGroup;
import io.cinnabar.server.types.StreamID;
import io.cinnabar.server.types.StreamNack;
import io.cinnabar.server.types.StreamValue;
import io.cinnabar.server.types.Types;
import io.cinnabar.server.types.ZSetValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The RDB value codec on its own: every type and encoding survives a write and a read (same contents, same
 * encoding), the old encodings load from blobs built by hand as rdb-formats.md describes them, thresholds convert
 * as rdbLoadObject converts, and no corruption, truncation or absurd length gets out as anything but an
 * {@link IOException} (nor takes the memory it claims).
 */
class RdbValuesTest {
    private final Config config = new Config();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String digest(Object v) {
        Digest d = new Digest();
        Types.digest(v, d);
        return d.hex();
    }

    private static byte[] serialize(Object v, boolean compress) {
        RdbOutput out = new RdbOutput(16, compress);
        out.write(RdbValues.typeOf(v));
        RdbValues.write(out, v);
        return out.toByteArray();
    }

    private Object read(byte[] body, boolean deep) throws IOException {
        RdbInput in = new RdbInput(body, 0, body.length);
        Object v = RdbValues.read(in, in.readByte(), config, deep);
        assertTrue(in.atEnd(), "bytes left after the value");
        return v;
    }

    /** Writes, reads back (shallow and deep), and checks contents, encoding and that a second write is identical. */
    private Object roundTrip(Object v) throws IOException {
        for (boolean compress : new boolean[] {true, false}) {
            byte[] body = serialize(v, compress);
            for (boolean deep : new boolean[] {false, true}) {
                Object back = read(body, deep);
                assertEquals(digest(v), digest(back));
                assertEquals(Types.encoding(v), Types.encoding(back));
                int type = RdbValues.typeOf(v);
                if (type != RdbType.SET && type != RdbType.HASH) { // table order is the table's, in Redis too
                    assertArrayEquals(body, serialize(back, compress), "re-serialized differently");
                }
            }
        }
        return read(serialize(v, true), false);
    }

    // ------------------------------------------------------------------ every type and encoding

    @Test
    void stringsInEveryForm() throws IOException {
        for (Object v : new Object[] {b("hello"), b(""), 12345L, -7L, 1234567890123L, Long.MIN_VALUE, b("0123"),
                b("-0"), b("a".repeat(100)), b("x".repeat(30)), new RawString(b("abc".repeat(20)), 16)}) {
            Object back = roundTrip(v);
            assertArrayEquals(io.cinnabar.server.types.Strings.bytes(v), io.cinnabar.server.types.Strings.bytes(back));
        }
        // the worked examples of rdb-formats.md: 12345 as INT16, 100 x "a" as LZF
        assertEquals("00c13930", HexFormat.of().formatHex(serialize(b("12345"), true)));
        assertEquals("00c3094064016161e05700016161", HexFormat.of().formatHex(serialize(b("a".repeat(100)), true)));
        assertEquals(12345L, read(serialize(b("12345"), true), false)); // "int" encoding, as tryObjectEncoding
    }

    @Test
    void listsWithPlainAndCompressedNodes() throws Exception {
        ListValue small = new ListValue(-2);
        for (String s : new String[] {"a", "b", "1", "128", "-1", "4096", "x".repeat(70)}) {
            small.pushTail(b(s));
        }
        roundTrip(small);
        ListValue big = new ListValue(-2);
        for (int i = 0; i < 5000; i++) {
            big.pushTail(b("item" + (i % 17) + "-" + i));
        }
        assertTrue(big.nodeCount() > 3);
        roundTrip(big);
        config.set("list-compress-depth", "1");
        ListValue compressed = new ListValue(-2, 1);
        for (int i = 0; i < 5000; i++) {
            compressed.pushTail(b("element-" + i + "-" + "abc".repeat(i % 7)));
        }
        assertTrue(serialize(compressed, false).length < compressed.uncompressedBytes(),
                "compressed nodes go out as their LZF blobs, whatever rdbcompression says");
        ListValue back = (ListValue) roundTrip(compressed);
        assertEquals(compressed.nodeCount(), back.nodeCount());
        assertEquals(1, back.compressDepth());
    }

    @Test
    void setsAsIntsetAndTable() throws IOException {
        SetValue ints = new SetValue();
        for (long v : new long[] {1, 2, 3, -7, 100000, 1L << 40}) {
            ints.add(b(Long.toString(v)), 512);
        }
        assertEquals("intset", Types.encoding(roundTrip(ints)));
        SetValue table = SetValue.createFor(b("a"));
        for (int i = 0; i < 1000; i++) {
            table.add(b("m" + i), 512);
        }
        roundTrip(table);
        SetValue bigInts = new SetValue();
        for (int i = 0; i < 600; i++) {
            bigInts.add(b(Integer.toString(i)), 512);
        }
        assertEquals("hashtable", Types.encoding(roundTrip(bigInts)));
    }

    @Test
    void hashesAsListpackAndTable() throws IOException {
        HashValue small = new HashValue();
        small.set(b("f1"), b("v1"), 512);
        small.set(b("f2"), b("123"), 512);
        assertEquals("10151500000004008266310382763103826632037b01ff",
                HexFormat.of().formatHex(serialize(small, true))); // rdb-formats.md §3 worked example
        roundTrip(small);
        HashValue table = new HashValue();
        for (int i = 0; i < 1000; i++) {
            table.set(b("f" + i), b("v".repeat(i % 80)), 512);
        }
        assertEquals("hashtable", Types.encoding(table));
        roundTrip(table);
    }

    @Test
    void sortedSetsAsListpackAndSkiplist() throws IOException {
        ZSetValue small = new ZSetValue(false);
        small.set(b("a"), 1, 128, 64);
        small.set(b("b"), 2.5, 128, 64);
        small.set(b("c"), -3, 128, 64);
        small.set(b("d"), Double.POSITIVE_INFINITY, 128, 64);
        roundTrip(small);
        ZSetValue big = new ZSetValue(false);
        for (int i = 0; i < 300; i++) {
            big.set(b("m" + i), i * 1.5, 128, 64);
        }
        assertEquals("skiplist", Types.encoding(big));
        roundTrip(big);
        // ZSET_2 goes from the greatest score to the smallest
        ZSetValue two = new ZSetValue(true);
        two.set(b("a"), 1, 128, 64);
        two.set(b("b"), 2.5, 128, 64);
        assertEquals("0502" + "0162" + "0000000000000440" + "0161" + "000000000000f03f",
                HexFormat.of().formatHex(serialize(two, true)));
        // a small skiplist read back becomes a listpack, as Redis converts after loading
        assertEquals("listpack", Types.encoding(read(serialize(two, true), false)));
    }

    private static StreamValue stream() {
        StreamValue s = new StreamValue();
        String[][] entries = {{"1-1", "name", "alice", "age", "30"}, {"1-2", "name", "bob", "age", "40"},
                {"2-0", "other", "1"}, {"3-5", "name", "carol", "age", "50"}};
        for (String[] e : entries) {
            byte[][] argv = new byte[e.length - 1][];
            for (int i = 1; i < e.length; i++) {
                argv[i - 1] = b(e[i]);
            }
            String[] id = e[0].split("-");
            assertEquals(StreamValue.APPENDED, s.append(argv, 0, argv.length / 2,
                    new StreamID(Long.parseLong(id[0]), Long.parseLong(id[1])), true, 0, 4096, 100));
        }
        s.delete(new StreamID(1, 2));
        s.deleted(new StreamID(1, 2));
        StreamGroup g = s.createGroup(b("g1"), new StreamID(3, 5), 4);
        StreamConsumer c1 = g.createConsumer(b("c1"), 1000);
        StreamConsumer c2 = g.createConsumer(b("c2"), 2000);
        g.createConsumer(b("idle"), 3000);
        long[][] pel = {{1, 1}, {3, 5}};
        StreamConsumer[] owners = {c1, c2};
        for (int i = 0; i < pel.length; i++) {
            StreamNack n = new StreamNack(owners[i], 5000 + i);
            n.deliveryCount = i + 1;
            g.pel.put(pel[i][0], pel[i][1], n);
            owners[i].pel.put(pel[i][0], pel[i][1], n);
        }
        s.createGroup(b("7"), new StreamID(0, 0), StreamGroup.INVALID_ENTRIES_READ);
        return s;
    }

    @Test
    void streamsWithGroupsPelAndConsumers() throws IOException {
        StreamValue s = stream();
        StreamValue back = (StreamValue) roundTrip(s);
        assertEquals(3, back.length());
        assertEquals(new StreamID(1, 2), back.maxDeletedId());
        assertEquals(4, back.entriesAdded());
        StreamGroup g = back.group(b("g1"));
        assertEquals(2, g.pel.size());
        assertEquals(3, g.consumers.size());
        assertEquals(b("c2")[1], g.pel.get(3, 5).consumer.name[1]);
        assertEquals(2, g.pel.get(3, 5).deliveryCount);
        assertEquals(StreamGroup.INVALID_ENTRIES_READ, back.group(b("7")).entriesRead);
        // an unknown entries-read goes out as Redis's 64-bit length of 2^64-1
        assertTrue(HexFormat.of().formatHex(serialize(s, true)).contains("81ffffffffffffffff"));
        // an empty stream is still a value
        StreamValue empty = new StreamValue();
        empty.setLastId(new StreamID(5, 5));
        assertEquals(new StreamID(5, 5), ((StreamValue) roundTrip(empty)).lastId());
    }

    // ------------------------------------------------------------------ thresholds

    @Test
    void loadingConvertsToThisServersThresholds() throws Exception {
        HashValue h = new HashValue();
        SetValue s = new SetValue();
        ZSetValue z = new ZSetValue(false);
        for (int i = 0; i < 10; i++) {
            h.set(b("f" + i), b("v"), 512);
            s.add(b(Integer.toString(i)), 512);
            z.set(b("m" + i), i, 128, 64);
        }
        config.set("hash-max-listpack-entries", "4");
        config.set("set-max-intset-entries", "4");
        config.set("zset-max-listpack-entries", "4");
        assertEquals("hashtable", Types.encoding(read(serialize(h, true), false)));
        assertEquals("hashtable", Types.encoding(read(serialize(s, true), false)));
        assertEquals("skiplist", Types.encoding(read(serialize(z, true), false)));
    }

    // ------------------------------------------------------------------ old encodings, built by hand

    private static final class Blob {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Blob u(int... bytes) {
            for (int x : bytes) {
                out.write(x);
            }
            return this;
        }

        Blob raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /** An RDB string, plain (short) or 14-bit length. */
        Blob str(byte[] s) {
            if (s.length < 64) {
                out.write(s.length);
            } else {
                out.write(0x40 | s.length >> 8);
                out.write(s.length & 0xff);
            }
            out.writeBytes(s);
            return this;
        }

        Blob str(String s) {
            return str(b(s));
        }

        Blob le(long v, int bytes) {
            for (int i = 0; i < bytes; i++) {
                out.write((int) (v >>> (8 * i)));
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A ziplist of strings and integers, entries encoded as ziplist.c would choose. */
    static byte[] ziplist(Object... entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        int tail = 10;
        for (Object e : entries) {
            Blob entry = new Blob();
            if (prev < 254) {
                entry.u(prev);
            } else {
                entry.u(0xfe).le(prev, 4);
            }
            if (e instanceof Long v) {
                if (v >= 0 && v <= 12) {
                    entry.u(0xf1 + v.intValue());
                } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                    entry.u(0xfe).le(v, 1);
                } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                    entry.u(0xc0).le(v, 2);
                } else if (v >= -(1 << 23) && v < (1 << 23)) {
                    entry.u(0xf0).le(v, 3);
                } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    entry.u(0xd0).le(v, 4);
                } else {
                    entry.u(0xe0).le(v, 8);
                }
            } else {
                byte[] s = b((String) e);
                if (s.length < 64) {
                    entry.u(s.length);
                } else if (s.length < 16384) {
                    entry.u(0x40 | s.length >> 8, s.length & 0xff);
                } else {
                    entry.u(0x80, s.length >>> 24, (s.length >> 16) & 0xff, (s.length >> 8) & 0xff, s.length & 0xff);
                }
                entry.raw(s);
            }
            byte[] bytes = entry.bytes();
            tail = 10 + body.size();
            body.writeBytes(bytes);
            prev = bytes.length;
        }
        return new Blob().le(10 + body.size() + 1, 4).le(tail, 4).le(entries.length, 2).raw(body.toByteArray())
                .u(0xff).bytes();
    }

    private List<String> list(Object v) {
        List<String> out = new ArrayList<>();
        ((ListValue) v).range(0, ((ListValue) v).size() - 1, e -> out.add(new String(e, StandardCharsets.UTF_8)));
        return out;
    }

    private List<String> hash(Object v) {
        List<String> out = new ArrayList<>();
        ((HashValue) v).forEach((f, x) -> out.add(new String(f, StandardCharsets.UTF_8) + "="
                + new String(x, StandardCharsets.UTF_8)));
        return out;
    }

    private List<String> zset(Object v) {
        List<String> out = new ArrayList<>();
        ((ZSetValue) v).forEach((m, s) -> out.add(new String(m, StandardCharsets.UTF_8) + "=" + s));
        return out;
    }

    @Test
    void oldEncodingsLoad() throws IOException {
        String long300 = "x".repeat(300);
        // type 1, plain list
        assertEquals(List.of("a", "b", "5"), list(read(new Blob().u(1, 3).str("a").str("b").u(0xc0, 5).bytes(),
                false)));
        // type 3, text scores: 254 +inf, 255 -inf, "1.5"
        assertEquals(List.of("b=-Infinity", "c=1.5", "a=Infinity"), zset(read(new Blob().u(3, 3).str("a").u(254)
                .str("b").u(255).str("c").str("1.5").bytes(), false)));
        // type 9, zipmap
        byte[] zipmap = new Blob().u(2, 3).raw(b("foo")).u(3, 0).raw(b("bar")).u(5).raw(b("hello")).u(5, 0)
                .raw(b("world")).u(0xff).bytes();
        assertEquals(List.of("foo=bar", "hello=world"), hash(read(new Blob().u(9).str(zipmap).bytes(), false)));
        // type 10, list ziplist with every integer width and a 300-byte string (big prevlen after it)
        Object[] entries = {"a", 1L, long300, 100L, 30000L, 1L << 20, 1L << 30, 1L << 40, 12L, 13L, -5L};
        assertEquals(List.of("a", "1", long300, "100", "30000", "1048576", "1073741824", "1099511627776", "12",
                "13", "-5"), list(read(new Blob().u(10).str(ziplist(entries)).bytes(), false)));
        // type 13, hash ziplist; type 12, zset ziplist
        assertEquals(List.of("f1=v1", "f2=5", "7=-1"), hash(read(new Blob().u(13)
                .str(ziplist("f1", "v1", "f2", 5L, "7", -1L)).bytes(), false)));
        // kept in the order it came, unsorted, as Redis keeps it
        assertEquals(List.of("a=1.0", "b=2.5", "c=-3.0"), zset(read(new Blob().u(12)
                .str(ziplist("a", 1L, "b", "2.5", "c", -3L)).bytes(), false)));
        // type 14, quicklist of ziplists
        Object q = read(new Blob().u(14, 2).str(ziplist("a", "b", 3L)).str(ziplist("c", 400L)).bytes(), false);
        assertEquals(List.of("a", "b", "3", "c", "400"), list(q));
        assertEquals(2, ((ListValue) q).nodeCount());
        // lengths in the 32- and 64-bit forms
        assertEquals(List.of("z"), list(read(new Blob().u(1, 0x80, 0, 0, 0, 1, 0x81, 0, 0, 0, 0, 0, 0, 0, 1)
                .raw(b("z")).bytes(), false)));
        // a plain quicklist node
        assertEquals(List.of("plain"), list(read(new Blob().u(18, 1, 1).str("plain").bytes(), false)));
        // a large hash ziplist becomes a table
        Object[] pairs = new Object[1200];
        for (int i = 0; i < 600; i++) {
            pairs[2 * i] = "f" + i;
            pairs[2 * i + 1] = (long) i;
        }
        assertEquals("hashtable", Types.encoding(read(new Blob().u(13).str(ziplist(pairs)).bytes(), false)));
    }

    @Test
    void streamVersionOneDerivesTheNewFields() throws IOException {
        StreamValue s = stream();
        byte[] v2 = serialize(s, false);
        // rewrite as type 15: drop first ID, max deleted ID, entries added, and each group's entries-read
        RdbInput in = new RdbInput(v2, 1, v2.length - 1);
        RdbOutput out = new RdbOutput(64, false);
        out.write(RdbType.STREAM_LISTPACKS);
        long nodes = in.readLength();
        out.writeLength(nodes);
        for (long i = 0; i < nodes; i++) {
            out.writeString(in.readString());
            out.writeString(in.readString());
        }
        for (int i = 0; i < 3; i++) {
            out.writeLength(in.readLength());
        }
        for (int i = 0; i < 5; i++) {
            in.readLength();
        }
        long groups = in.readLength();
        out.writeLength(groups);
        for (long i = 0; i < groups; i++) {
            out.writeString(in.readString());
            out.writeLength(in.readLength());
            out.writeLength(in.readLength());
            in.readLength(); // entries-read
            long pel = in.readLength();
            out.writeLength(pel);
            for (long j = 0; j < pel; j++) {
                out.write(in.readBytes(24));
                out.writeLength(in.readLength());
            }
            long consumers = in.readLength();
            out.writeLength(consumers);
            for (long j = 0; j < consumers; j++) {
                out.writeString(in.readString());
                out.writeMillis(in.readMillis());
                long owned = in.readLength();
                out.writeLength(owned);
                out.write(in.readBytes((int) (16 * owned)));
            }
        }
        StreamValue v1 = (StreamValue) read(out.toByteArray(), true);
        assertEquals(digest(s), digest(v1));
        assertEquals(new StreamID(1, 1), v1.firstId());
        assertEquals(new StreamID(0, 0), v1.maxDeletedId());
        assertEquals(3, v1.entriesAdded()); // the length, as Redis derives it
        assertEquals(3, v1.group(b("g1")).entriesRead); // streamEstimateDistanceFromFirstEverEntry of 3-5
    }

    // ------------------------------------------------------------------ refusals

    private void refused(byte[] body, boolean deep) {
        assertThrows(RdbFormatException.class, () -> read(body, deep), HexFormat.of().formatHex(body));
    }

    @Test
    void emptyCollectionsAreNull() throws IOException {
        assertNull(RdbValues.read(new RdbInput(new byte[] {0}, 0, 1), RdbType.LIST, config, false));
        assertNull(RdbValues.read(new RdbInput(new byte[] {0}, 0, 1), RdbType.SET, config, false));
        assertNull(RdbValues.read(new RdbInput(new byte[] {0}, 0, 1), RdbType.HASH, config, false));
        assertNull(RdbValues.read(new RdbInput(new byte[] {0}, 0, 1), RdbType.ZSET_2, config, false));
        assertNull(RdbValues.read(new RdbInput(new byte[] {0}, 0, 1), RdbType.LIST_QUICKLIST_2, config, false));
        byte[] emptyListpack = new Blob().u(7).le(7, 4).le(0, 2).u(0xff).bytes();
        assertNull(RdbValues.read(new RdbInput(emptyListpack, 0, 8), RdbType.HASH_LISTPACK, config, true));
        assertNull(RdbValues.read(new RdbInput(emptyListpack, 0, 8), RdbType.ZSET_LISTPACK, config, true));
        byte[] node = new Blob().u(1, 2).str(new byte[] {7, 0, 0, 0, 0, 0, (byte) 0xff}).bytes();
        assertNull(RdbValues.read(new RdbInput(node, 0, node.length), RdbType.LIST_QUICKLIST_2, config, true));
    }

    @Test
    void duplicatesAndBadLayoutsAreRefused() {
        refused(new Blob().u(2, 2).str("a").str("a").bytes(), false); // set
        refused(new Blob().u(2, 2).str("1").str("1").bytes(), false); // intset-bound set
        refused(new Blob().u(5, 2).str("a").le(Double.doubleToLongBits(1), 8).str("a")
                .le(Double.doubleToLongBits(2), 8).bytes(), false); // zset
        refused(new Blob().u(3, 1).str("a").u(253).bytes(), false); // NaN score
        refused(new Blob().u(13).str(ziplist("f", "v", "f", "w")).bytes(), false); // ziplists: always checked
        refused(new Blob().u(13).str(ziplist("f", "v", "g")).bytes(), false); // odd
        refused(new Blob().u(9).str(new Blob().u(2, 3).raw(b("foo")).u(3, 0).raw(b("bar")).u(3).raw(b("foo"))
                .u(1, 0).raw(b("x")).u(0xff).bytes()).bytes(), false); // zipmap dup
        refused(new Blob().u(18, 1, 3).str("x").bytes(), false); // container
        refused(new Blob().u(11).str(new Blob().le(2, 4).le(0, 4).bytes()).bytes(), false); // empty intset
        refused(new Blob().u(11).str(new Blob().le(3, 4).le(1, 4).le(1, 3).bytes()).bytes(), false); // width 3
        byte[] dupPairs = new Blob().le(19, 4).le(4, 2).u(0x81, 'f', 2, 0x81, 'v', 2, 0x81, 'f', 2, 0x81, 'w', 2, 0xff)
                .bytes();
        refused(new Blob().u(16).str(dupPairs).bytes(), true); // dup field under deep sanitization only
        refused(new Blob().u(17).str(dupPairs).bytes(), true);
        refused(new Blob().u(7, 0x81).le(0, 8).bytes(), false); // module
        refused(new Blob().u(8).bytes(), false);
        refused(new Blob().u(0).bytes(), false); // truncated
    }

    @Test
    void dupFieldsPassWithoutDeepSanitizationAsInRedis() throws IOException {
        byte[] dupPairs = new Blob().le(19, 4).le(4, 2).u(0x81, 'f', 2, 0x81, 'v', 2, 0x81, 'f', 2, 0x81, 'w', 2, 0xff)
                .bytes();
        assertEquals(List.of("f=v", "f=w"), hash(read(new Blob().u(16).str(dupPairs).bytes(), false)));
    }

    @Test
    void absurdLengthsFailWithoutAllocating() {
        refused(new Blob().u(1, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff).bytes(), false);
        refused(new Blob().u(0, 0x80, 0x7f, 0xff, 0xff, 0xf0).bytes(), false);
        refused(new Blob().u(0, 0xc3, 0x02, 0x80, 0x7f, 0xff, 0xff, 0xf0, 0x00, 'a').bytes(), false); // LZF ulen
        refused(new Blob().u(2, 0x81, 0, 0, 1, 0, 0, 0, 0, 0).str("a").bytes(), false); // 2^40 members
        refused(new Blob().u(19, 0x81, 0, 0, 1, 0, 0, 0, 0, 0).bytes(), false); // 2^40 stream nodes
        // from a stream (a file) the claimed size is not known up front: nothing near 2 GB may be allocated
        byte[] huge = new Blob().u(0, 0x80, 0x7f, 0xff, 0xff, 0xf0).raw(new byte[100_000]).bytes();
        Runtime rt = Runtime.getRuntime();
        assertThrows(RdbFormatException.class, () -> {
            RdbInput in = new RdbInput(new ByteArrayInputStream(huge));
            RdbValues.read(in, in.readByte(), config, false);
        });
        assertTrue(rt.maxMemory() > 0);
    }

    /** Valid bodies of every type, to corrupt. */
    private List<byte[]> samples() {
        List<byte[]> out = new ArrayList<>();
        out.add(serialize(b("hello world hello world hello world"), true));
        ListValue l = new ListValue(-2, 1);
        for (int i = 0; i < 600; i++) {
            l.pushTail(b("e" + i + "x".repeat(i % 9)));
        }
        out.add(serialize(l, true));
        out.add(serialize(l, false));
        SetValue ints = new SetValue();
        SetValue table = SetValue.createFor(b("a"));
        HashValue small = new HashValue();
        HashValue big = new HashValue();
        ZSetValue zsmall = new ZSetValue(false);
        ZSetValue zbig = new ZSetValue(true);
        for (int i = 0; i < 40; i++) {
            ints.add(b(Integer.toString(i * 1000)), 512);
            table.add(b("m" + i), 512);
            small.set(b("f" + i), b("v" + i), 512);
            big.set(b("f" + i), b("v".repeat(70)), 512);
            zsmall.set(b("m" + i), i / 3.0, 128, 64);
            zbig.set(b("m" + i), i * 7, 128, 64);
        }
        for (Object v : new Object[] {ints, table, small, big, zsmall, zbig, stream()}) {
            out.add(serialize(v, false));
        }
        out.add(new Blob().u(13).str(ziplist("f1", "v1", "f2", 5L, "f3", "x".repeat(300))).bytes());
        out.add(new Blob().u(14, 2).str(ziplist("a", "b", 3L)).str(ziplist("c", 400L, -70000L)).bytes());
        out.add(new Blob().u(9).str(new Blob().u(2, 3).raw(b("foo")).u(3, 0).raw(b("bar")).u(5).raw(b("hello"))
                .u(5, 2).raw(b("world!!")).u(0xff).bytes()).bytes());
        out.add(new Blob().u(3, 2).str("a").str("1.5").str("b").u(254).bytes());
        return out;
    }

    /** Exercises a value the way commands would, so a corrupt blob that was let in would show here. */
    private static void use(Object v) {
        digest(v);
        Types.copy(v);
        Types.memoryUsage(v, 0);
        serialize(v, true);
        if (v instanceof StreamValue s) {
            StreamValue.Iterator it = new StreamValue.Iterator(s, null, null, true);
            while (it.next()) {
                for (int i = 0; i < it.numFields; i++) {
                    it.nextField();
                }
            }
            s.edge(true, true);
            s.lastValidId();
        } else if (v instanceof ZSetValue z) {
            z.forEach((m, x) -> { });
            for (ZSetValue.Cursor c = z.at(z.size() - 1); c.valid(); c.prev()) {
                c.member();
            }
        } else if (v instanceof ListValue l) {
            l.reverse(e -> true);
            l.get(l.size() / 2);
        }
    }

    @Test
    void garbageNeverEscapesAsAnythingButRdbFormatException() {
        Random random = new Random(42);
        List<byte[]> samples = samples();
        int accepted = 0;
        for (int round = 0; round < 20000; round++) {
            byte[] body = samples.get(random.nextInt(samples.size())).clone();
            int kind = random.nextInt(4);
            if (kind == 0 && body.length > 2) {
                body = java.util.Arrays.copyOf(body, 1 + random.nextInt(body.length - 1)); // truncated
            } else {
                int flips = 1 + random.nextInt(kind == 3 ? 8 : 2);
                for (int i = 0; i < flips; i++) {
                    int at = 1 + random.nextInt(body.length - 1);
                    body[at] = kind == 1 ? (byte) random.nextInt(256) : (byte) (body[at] ^ (1 << random.nextInt(8)));
                }
            }
            for (boolean deep : new boolean[] {false, true}) {
                try {
                    RdbInput in = new RdbInput(body, 0, body.length);
                    Object v = RdbValues.read(in, in.readByte(), config, deep);
                    if (v != null) {
                        use(v);
                        accepted++;
                    }
                } catch (IOException expected) {
                    // RdbFormatException and nothing else
                    assertEquals(RdbFormatException.class, expected.getClass());
                } catch (RuntimeException | Error e) {
                    fail("round " + round + " deep " + deep + ": " + HexFormat.of().formatHex(body), e);
                }
            }
        }
        assertTrue(accepted > 0);
    }

    @Test
    void moduleNamesDecodeAsRedisPrintsThem() {
        // "mymodule1" with encoding version 0: 9 six-bit characters in the top 54 bits
        String charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        long id = 0;
        for (char ch : "mymodule1".toCharArray()) {
            id = id << 6 | charset.indexOf(ch);
        }
        assertEquals("mymodule1", RdbValues.moduleName(id << 10 | 5));
    }
}
