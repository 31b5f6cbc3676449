package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Expected bytes marked "Redis 7.0.15" were taken from {@code DUMP} of a real server started with
 * {@code --rdbcompression no} (the payload is the listpack as stored, plus the RDB frame around it).
 */
class ListpackTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** The deterministic filler the Redis-side script used: ((i * 7 + n) % 26) + 'a'. */
    private static byte[] pattern(int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) ((i * 7 + n) % 26 + 'a');
        }
        return out;
    }

    private static String sha256(byte[] b) throws Exception {
        return hex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static Listpack of(String... items) {
        Listpack lp = new Listpack();
        for (String s : items) {
            lp.append(b(s));
        }
        return lp;
    }

    private static List<String> contents(Listpack lp) {
        List<String> out = new ArrayList<>();
        for (int p = lp.first(); p >= 0; p = lp.next(p)) {
            out.add(new String(lp.bytesAt(p), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    // ------------------------------------------------------------------ room in the array

    @Test
    void arraysGrowThroughJemallocSizeClasses() {
        assertEquals(8, Listpack.roomFor(7));
        assertEquals(64, Listpack.roomFor(64));
        assertEquals(80, Listpack.roomFor(65));
        assertEquals(128, Listpack.roomFor(128));
        assertEquals(160, Listpack.roomFor(129));
        assertEquals(192, Listpack.roomFor(167)); // a hash of 10 six-byte fields and values: 167 bytes
        assertEquals(10240, Listpack.roomFor(8193));
        Listpack lp = new Listpack();
        for (int i = 0; i < 10; i++) {
            lp.append(("field" + i).getBytes(StandardCharsets.US_ASCII));
            lp.append(("value" + i).getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(167, lp.bytes());
        assertEquals(192, lp.array().length);
    }

    // ------------------------------------------------------------------ bytes as Redis writes them

    @Test
    void emptyListpackIsHeaderAndEndMarker() {
        Listpack lp = new Listpack();
        assertEquals("070000000000ff", hex(lp.toBytes()));
        assertEquals(0, lp.size());
        assertEquals(-1, lp.first());
        assertEquals(-1, lp.last());
        assertEquals(-1, lp.seek(0));
    }

    @Test
    void hashFieldsAndValuesMatchRedisDump() {
        // Redis 7.0.15: HSET h f1 v1 f2 123
        Listpack lp = of("f1", "v1", "f2", "123");
        assertEquals("1500000004008266310382763103826632037b01ff", hex(lp.toBytes()));
        assertEquals(21, lp.bytes());
    }

    @Test
    void integersOfEveryWidthAndNonCanonicalNumbersMatchRedisDump() {
        // Redis 7.0.15: RPUSH ints <these>
        String[] items = {"0", "127", "128", "-1", "-64", "4095", "-4096", "4096", "-4097", "32767", "-32768",
            "32768", "-32769", "8388607", "-8388608", "8388608", "-8388609", "2147483647", "-2147483648",
            "2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "0123", "-0", " 1", "1e3", "+5", "", "x".repeat(63), "y".repeat(64)};
        Listpack lp = of(items);
        assertEquals("30010000200000017f01c08002dfff02dfc002cfff02d00002f1001003f1ffef03f1ff7f03f1008003f2008000"
                + "04f2ff7fff04f2ffff7f04f200008004f30000800005f3ffff7fff05f3ffffff7f05f30000008005f40000008000000000"
                + "09f4ffffff7fffffffff09f4ffffffffffffff7f09f4000000000000008009933932323333373230333638353437373538"
                + "303814843031323305822d3003822031038331653304822b35038001bf" + "78".repeat(63) + "40e040"
                + "79".repeat(64) + "42ff", hex(lp.toBytes()));
        assertEquals(Arrays.asList(items), contents(lp));
    }

    @Test
    void longStringsAndBacklenBoundariesMatchRedisDump() throws Exception {
        // Redis 7.0.15: CONFIG SET list-max-listpack-size -5; RPUSH longs <patterns of these lengths>
        int[] lengths = {125, 126, 4095, 4096, 16377, 16378};
        Listpack lp = new Listpack();
        for (int n : lengths) {
            lp.append(pattern(n));
        }
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.writeBytes(hex("15a10000 0600"));
        want.writeBytes(hex("e07d"));
        want.writeBytes(pattern(125));
        want.writeBytes(hex("7f")); // 127-byte entry: one backlen byte
        want.writeBytes(hex("e07e"));
        want.writeBytes(pattern(126));
        want.writeBytes(hex("0180")); // 128: two
        want.writeBytes(hex("efff")); // 12-bit string at its maximum
        want.writeBytes(pattern(4095));
        want.writeBytes(hex("2081"));
        want.writeBytes(hex("f000100000")); // 4096 needs the 32-bit length
        want.writeBytes(pattern(4096));
        want.writeBytes(hex("2085"));
        want.writeBytes(hex("f0f93f0000"));
        want.writeBytes(pattern(16377));
        want.writeBytes(hex("7ffe")); // 16382: the largest two-byte backlen
        want.writeBytes(hex("f0fa3f0000"));
        want.writeBytes(pattern(16378));
        want.writeBytes(hex("00ffff")); // 16383: three
        want.writeBytes(hex("ff"));
        assertArrayEquals(want.toByteArray(), lp.toBytes());
        assertEquals(41237, lp.bytes());
        assertEquals("4f3c1b91ebc442c718c7d397a012b1ef7dc69bb22567b797fb724fde2cdcea81", sha256(lp.toBytes()));
        int i = 0;
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
            assertArrayEquals(pattern(lengths[lengths.length - 1 - i++]), lp.bytesAt(p));
        }
        assertEquals(6, i);
    }

    @Test
    void sortedSetPairsMatchRedisDump() {
        // Redis 7.0.15: ZADD z 1 a 2.5 b -3 c 1e15 d (member, score as Redis formats it, ascending)
        Listpack lp = of("c", "-3", "a", "1", "b", "2.5", "d", "1000000000000000");
        assertEquals("270000000800816302dffd02816102010181620283322e3504816402f40080c6a47e8d030009ff",
                hex(lp.toBytes()));
    }

    @Test
    void insertReplaceDeleteAndTrimInTheMiddleMatchRedisDump() {
        // Redis 7.0.15: RPUSH e a b c 300; LINSERT e BEFORE b 12345; LSET e 0 -7; LREM e 1 c;
        // LSET e -1 hello; RPUSH e x; LPUSH e y; LTRIM e 1 -2
        Listpack lp = of("a", "b", "c", "300");
        lp.insertBefore(lp.seek(1), b("12345"));
        lp.replace(lp.seek(0), b("-7"));
        lp.delete(lp.find(b("c"), 0));
        lp.replace(lp.seek(-1), b("hello"));
        lp.append(b("x"));
        lp.prepend(b("y"));
        lp.deleteRange(0, 1);
        lp.deleteRange(-1, 1);
        assertEquals(List.of("-7", "12345", "b", "hello"), contents(lp));
        assertEquals("180000000400dff902f13930038162028568656c6c6f06ff", hex(lp.toBytes()));

        // Redis 7.0.15: HSET h2 f1 v1 f2 v2 f3 v3; HSET h2 f2 "a longer value"; HDEL h2 f1
        Listpack h = of("f1", "v1", "f2", "v2", "f3", "v3");
        h.replace(h.next(h.find(b("f2"), 1)), b("a longer value"));
        int f1 = h.find(b("f1"), 1);
        h.delete(h.delete(f1));
        assertEquals("230000000400826632038e61206c6f6e6765722076616c75650f8266330382763303ff", hex(h.toBytes()));
    }

    @Test
    void countStaysUnknownPast65534UntilSizeWritesItBackAsRedisDoes() throws Exception {
        // Redis 7.0.15: hash-max-listpack-entries 100000; HSET big f0 0 ... f32766 32766 (65534 entries);
        // HSET big extra 1 (header becomes 65535, "unknown"); HDEL big extra (HLEN-style lpLength writes it back)
        Listpack lp = new Listpack();
        for (int i = 0; i < 32767; i++) {
            lp.append(b("f" + i));
            lp.append(i);
        }
        assertEquals(65534, lp.size());
        assertEquals("feff", hex(Arrays.copyOfRange(lp.array(), 4, 6)));
        assertEquals(377877, lp.bytes());
        assertEquals("25d8a98afaecba537ff4a973cddb2c2a051a6717ac0b36981d2c5cc33abee8d1", sha256(lp.toBytes()));

        lp.append(b("extra"));
        lp.append(b("1"));
        assertEquals("ffff", hex(Arrays.copyOfRange(lp.array(), 4, 6)));
        assertEquals("c5ba67e703e17d24131e4a3c781c9786c1849557147a5514522c1162bcdfc11e", sha256(lp.toBytes()));
        assertEquals(65536, lp.size());
        assertEquals("ffff", hex(Arrays.copyOfRange(lp.array(), 4, 6)), "65536 entries cannot be stored");
        assertEquals(65536, Listpack.of(lp.toBytes()).size());

        int field = lp.find(b("extra"), 1);
        assertEquals(lp.seek(65534), field);
        lp.delete(lp.delete(field));
        assertEquals("ffff", hex(Arrays.copyOfRange(lp.array(), 4, 6)), "a delete keeps an unknown count unknown");
        assertEquals(65534, lp.size());
        assertEquals("feff", hex(Arrays.copyOfRange(lp.array(), 4, 6)));
        assertEquals("25d8a98afaecba537ff4a973cddb2c2a051a6717ac0b36981d2c5cc33abee8d1", sha256(lp.toBytes()));
        assertEquals(32766, lp.integerAt(lp.seek(-1)));
        assertEquals(32766, lp.integerAt(lp.seek(65533)));
    }

    @Test
    void countReachingExactly65535IsUnknownAndWalkingStillCounts() {
        Listpack lp = new Listpack();
        for (int i = 0; i < 65535; i++) {
            lp.append(i & 127);
        }
        assertEquals("ffff", hex(Arrays.copyOfRange(lp.array(), 4, 6)));
        Listpack read = Listpack.of(lp.toBytes());
        assertEquals(65535, read.size());
        assertEquals("ffff", hex(Arrays.copyOfRange(read.array(), 4, 6)));
        read.deleteRange(0, 3);
        assertEquals(65532, read.size());
        assertEquals("fcff", hex(Arrays.copyOfRange(read.array(), 4, 6)));
    }

    /**
     * Replays 1500 random list commands recorded against Redis 7.0.15 (one quicklist node, so each DUMP holds the
     * node's listpack) and compares the bytes at every checkpoint. The transcript was made by a script sending
     * RPUSH, LPUSH, LINSERT, LSET, LREM, LTRIM, RPOP and LPOP with integers of every width, non-canonical numbers,
     * binary strings and strings of 60-300 bytes.
     */
    @Test
    void randomListCommandsRecordedFromRedisGiveTheSameBytes() throws Exception {
        List<String> lines;
        try (var in = ListpackTest.class.getResourceAsStream("listpack-redis-list-transcript.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        }
        Listpack lp = new Listpack();
        int checkpoints = 0;
        for (String line : lines) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] w = line.split(" ", -1);
            switch (w[0]) {
                case "RPUSH" -> lp.append(hex(w[1]));
                case "LPUSH" -> lp.prepend(hex(w[1]));
                case "LINSERT" -> {
                    int pivot = lp.find(hex(w[2]), 0);
                    if (pivot >= 0) {
                        if (w[1].equals("BEFORE")) {
                            lp.insertBefore(pivot, hex(w[3]));
                        } else {
                            lp.insertAfter(pivot, hex(w[3]));
                        }
                    }
                }
                case "LSET" -> lp.replace(lp.seek(Integer.parseInt(w[1])), hex(w[2]));
                case "LREM" -> lrem(lp, Integer.parseInt(w[1]), hex(w[2]));
                case "LTRIM" -> ltrim(lp, Integer.parseInt(w[1]), Integer.parseInt(w[2]));
                case "RPOP" -> lp.delete(lp.last());
                case "LPOP" -> lp.delete(lp.first());
                case "EXPECT" -> {
                    assertEquals(w[1], hex(lp.toBytes()), "after line " + lines.indexOf(line));
                    checkpoints++;
                }
                default -> throw new AssertionError(line);
            }
        }
        assertEquals(60, checkpoints);
    }

    /** LREM as t_list.c does it: from the head for count >= 0, from the tail for count < 0; 0 removes all. */
    private static void lrem(Listpack lp, int count, byte[] v) {
        int toRemove = count == 0 ? Integer.MAX_VALUE : Math.abs(count);
        if (count >= 0) {
            int p = lp.first();
            while (p >= 0 && toRemove > 0) {
                if (lp.equalsAt(p, v)) {
                    p = lp.delete(p);
                    toRemove--;
                } else {
                    p = lp.next(p);
                }
            }
        } else {
            int p = lp.last();
            while (p >= 0 && toRemove > 0) {
                int prev = lp.prev(p);
                if (lp.equalsAt(p, v)) {
                    lp.delete(p);
                    toRemove--;
                }
                p = prev;
            }
        }
    }

    /** LTRIM's index arithmetic from t_list.c, then the two range deletes it makes. */
    private static void ltrim(Listpack lp, long start, long end) {
        long llen = lp.size();
        if (start < 0) {
            start += llen;
        }
        if (end < 0) {
            end += llen;
        }
        if (start < 0) {
            start = 0;
        }
        long left;
        long right;
        if (start > end || start >= llen) {
            left = llen;
            right = 0;
        } else {
            if (end >= llen) {
                end = llen - 1;
            }
            left = start;
            right = llen - end - 1;
        }
        lp.deleteRange(0, left);
        lp.deleteRange(-right, right);
    }

    // ------------------------------------------------------------------ encodings

    private static int encodedSizeOf(long v) {
        Listpack lp = new Listpack();
        lp.append(v);
        Listpack viaText = new Listpack();
        viaText.append(b(Long.toString(v)));
        assertArrayEquals(lp.toBytes(), viaText.toBytes(), "text and number encode alike: " + v);
        int p = lp.first();
        assertTrue(lp.isInteger(p));
        assertEquals(v, lp.integerAt(p));
        assertEquals(Long.toString(v), new String(lp.bytesAt(p), StandardCharsets.US_ASCII));
        assertEquals(p, lp.last());
        return lp.bytes() - 7 - 1; // minus header, end marker and the one-byte backlen
    }

    @Test
    void integersTakeTheSmallestEncodingAtEveryBoundary() {
        assertEquals(1, encodedSizeOf(0));
        assertEquals(1, encodedSizeOf(127));
        assertEquals(2, encodedSizeOf(128));
        assertEquals(2, encodedSizeOf(-1));
        assertEquals(2, encodedSizeOf(4095));
        assertEquals(2, encodedSizeOf(-4096));
        assertEquals(3, encodedSizeOf(4096));
        assertEquals(3, encodedSizeOf(-4097));
        assertEquals(3, encodedSizeOf(32767));
        assertEquals(3, encodedSizeOf(-32768));
        assertEquals(4, encodedSizeOf(32768));
        assertEquals(4, encodedSizeOf(-32769));
        assertEquals(4, encodedSizeOf(8388607));
        assertEquals(4, encodedSizeOf(-8388608));
        assertEquals(5, encodedSizeOf(8388608));
        assertEquals(5, encodedSizeOf(-8388609));
        assertEquals(5, encodedSizeOf(Integer.MAX_VALUE));
        assertEquals(5, encodedSizeOf(Integer.MIN_VALUE));
        assertEquals(9, encodedSizeOf(Integer.MAX_VALUE + 1L));
        assertEquals(9, encodedSizeOf(Integer.MIN_VALUE - 1L));
        assertEquals(9, encodedSizeOf(Long.MAX_VALUE));
        assertEquals(9, encodedSizeOf(Long.MIN_VALUE));
        for (long v = -5000; v <= 5000; v++) {
            Listpack lp = new Listpack();
            lp.append(v);
            assertEquals(v, lp.integerAt(lp.first()));
        }
    }

    @Test
    void stringLengthHeadersWidenAt64And4096Bytes() {
        int[][] cases = {{0, 1}, {1, 1}, {63, 1}, {64, 2}, {4095, 2}, {4096, 5}, {70000, 5}};
        for (int[] c : cases) {
            Listpack lp = new Listpack();
            byte[] s = pattern(c[0]);
            int p = lp.append(s);
            assertFalse(lp.isInteger(p));
            assertEquals(c[0], lp.stringLength(p));
            assertEquals(p + c[1], lp.stringOffset(p));
            assertArrayEquals(s, lp.bytesAt(p));
            assertArrayEquals(s, Arrays.copyOfRange(lp.array(), lp.stringOffset(p), lp.stringOffset(p) + c[0]));
            assertEquals(Listpack.backlenSize(c[1] + c[0]), lp.bytes() - 7 - c[1] - c[0]);
        }
    }

    @Test
    void backlenGrowsAt128And16383And2097151Bytes() {
        // entry sizes (encoding + data) around each backlen boundary, built from 32-bit-length strings
        long[][] cases = {{127, 1}, {128, 2}, {16382, 2}, {16383, 3}, {2097150, 3}, {2097151, 4}};
        for (long[] c : cases) {
            int entry = (int) c[0];
            int strLen = entry <= 64 ? entry - 1 : entry <= 4097 ? entry - 2 : entry - 5;
            Listpack lp = new Listpack();
            lp.append(b("before"));
            lp.append(pattern(strLen));
            lp.append(b("after"));
            assertEquals(c[1], Listpack.backlenSize(entry));
            assertEquals(7 + 8 + entry + c[1] + 7, lp.bytes(), "entry of " + entry);
            int last = lp.last();
            int middle = lp.prev(last);
            assertEquals(lp.next(lp.first()), middle);
            assertArrayEquals(pattern(strLen), lp.bytesAt(middle));
            assertEquals(lp.first(), lp.prev(middle));
            Listpack.of(lp.toBytes());
        }
    }

    @Test
    void onlyStringsThatString2llAcceptsBecomeIntegers() {
        String[] strings = {"0123", "-0", " 1", "1 ", "1e3", "+5", "", "-", "00", "9223372036854775808",
            "-9223372036854775809", "123456789012345678901", "1.0", "0x10"};
        for (String s : strings) {
            Listpack lp = new Listpack();
            int p = lp.append(b(s));
            assertFalse(lp.isInteger(p), s);
            assertEquals(s, new String(lp.bytesAt(p), StandardCharsets.ISO_8859_1));
        }
        String[] ints = {"0", "-1", "9223372036854775807", "-9223372036854775808", "100"};
        for (String s : ints) {
            Listpack lp = new Listpack();
            int p = lp.append(b(s));
            assertTrue(lp.isInteger(p), s);
            assertEquals(Long.parseLong(s), lp.integerAt(p));
        }
    }

    // ------------------------------------------------------------------ positions

    @Test
    void forwardAndBackwardIterationVisitTheSameEntries() {
        Listpack lp = new Listpack();
        SplittableRandom r = new SplittableRandom(7);
        List<Integer> forward = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            if (r.nextBoolean()) {
                lp.append(r.nextLong());
            } else {
                lp.append(pattern(r.nextInt(5000)));
            }
        }
        for (int p = lp.first(); p >= 0; p = lp.next(p)) {
            forward.add(p);
        }
        List<Integer> backward = new ArrayList<>();
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
            backward.add(0, p);
        }
        assertEquals(500, forward.size());
        assertEquals(forward, backward);
        for (int i = 0; i < 500; i++) {
            assertEquals(forward.get(i), lp.seek(i));
            assertEquals(forward.get(i), lp.seek(i - 500));
        }
    }

    @Test
    void seekCountsNegativeIndexesFromTheEndAndRefusesOutOfRange() {
        Listpack lp = of("a", "b", "c", "d", "e");
        assertEquals("a", new String(lp.bytesAt(lp.seek(0))));
        assertEquals("e", new String(lp.bytesAt(lp.seek(4))));
        assertEquals("e", new String(lp.bytesAt(lp.seek(-1))));
        assertEquals("a", new String(lp.bytesAt(lp.seek(-5))));
        assertEquals("c", new String(lp.bytesAt(lp.seek(-3))));
        assertEquals(-1, lp.seek(5));
        assertEquals(-1, lp.seek(-6));
        assertEquals(-1, lp.seek(Long.MIN_VALUE));
        assertEquals(-1, lp.seek(Long.MAX_VALUE));
        assertEquals(-1, lp.next(lp.seek(-1)));
        assertEquals(-1, lp.prev(lp.seek(0)));
    }

    // ------------------------------------------------------------------ writes

    @Test
    void insertBeforeAndAfterReturnTheNewEntry() {
        Listpack lp = of("a", "c");
        int c = lp.seek(1);
        int bPos = lp.insertBefore(c, b("b"));
        assertEquals("b", new String(lp.bytesAt(bPos)));
        int d = lp.insertAfter(lp.seek(-1), 4000);
        assertEquals(4000, lp.integerAt(d));
        int z = lp.insertAfter(lp.first(), b("z"));
        assertEquals(lp.next(lp.first()), z);
        lp.prepend(-5);
        assertEquals(List.of("-5", "a", "z", "b", "c", "4000"), contents(lp));
        assertEquals(6, lp.size());
    }

    @Test
    void replaceSwapsTheEntryWithoutChangingTheCount() {
        Listpack lp = of("one", "two", "three");
        int p = lp.replace(lp.seek(1), pattern(5000));
        assertEquals(lp.seek(1), p);
        assertArrayEquals(pattern(5000), lp.bytesAt(p));
        p = lp.replace(p, 7L);
        assertEquals(7, lp.integerAt(p));
        p = lp.replace(p, b("-8"));
        assertTrue(lp.isInteger(p));
        assertEquals(List.of("one", "-8", "three"), contents(lp));
        assertEquals(3, lp.size());
        assertArrayEquals(of("one", "-8", "three").toBytes(), lp.toBytes());
    }

    @Test
    void deleteReturnsTheFollowingEntryOrMinusOneAfterTheLast() {
        Listpack lp = of("a", "b", "c");
        int next = lp.delete(lp.seek(1));
        assertEquals("c", new String(lp.bytesAt(next)));
        assertEquals(-1, lp.delete(next));
        assertEquals(-1, lp.delete(lp.first()));
        assertTrue(lp.isEmpty());
        assertEquals("070000000000ff", hex(lp.toBytes()));
    }

    @Test
    void deleteRangeStopsAtTheEndAndIgnoresOutOfRangeStarts() {
        Listpack lp = of("0", "1", "2", "3", "4", "5");
        lp.deleteRange(1, 2);
        assertEquals(List.of("0", "3", "4", "5"), contents(lp));
        lp.deleteRange(-2, 100);
        assertEquals(List.of("0", "3"), contents(lp));
        lp.deleteRange(5, 1);
        lp.deleteRange(0, 0);
        assertEquals(List.of("0", "3"), contents(lp));
        lp.deleteRange(-2, 2);
        assertTrue(lp.isEmpty());
        assertArrayEquals(new Listpack().toBytes(), lp.toBytes());
    }

    @Test
    void findLooksAtEveryOtherEntryForFieldsAndMatchesIntegersByText() {
        Listpack lp = of("f1", "v1", "10", "f2", "v2", "x", "300", "12");
        assertEquals(lp.seek(0), lp.find(b("f1"), 1));
        assertEquals(-1, lp.find(b("v1"), 1), "values are skipped");
        assertEquals(lp.seek(1), lp.find(b("v1"), 0));
        assertEquals(lp.seek(4), lp.find(lp.seek(4), b("v2"), 0, 2, 1));
        assertEquals(-1, lp.find(lp.seek(3), b("v2"), 0, 2, 1));
        assertEquals(lp.seek(2), lp.find(b("10"), 1));
        assertEquals(lp.seek(6), lp.find(b("300"), 1));
        assertEquals(-1, lp.find(b("12"), 1));
        assertEquals(lp.seek(7), lp.find(b("12"), 0));
        assertEquals(-1, lp.find(b("010"), 0));
        assertEquals(-1, lp.find(b("f3"), 0));
        assertEquals(-1, new Listpack().find(b("x"), 0));
        byte[] padded = b("..300..");
        assertEquals(lp.seek(6), lp.find(lp.first(), padded, 2, 3, 0));
    }

    @Test
    void equalsAndCompareTreatIntegerEntriesAsTheirText() {
        Listpack lp = of("123", "abc", "-7");
        assertTrue(lp.equalsAt(lp.seek(0), b("123")));
        assertFalse(lp.equalsAt(lp.seek(0), b("0123")));
        assertFalse(lp.equalsAt(lp.seek(0), b("124")));
        assertTrue(lp.equalsAt(lp.seek(1), b("abc")));
        assertFalse(lp.equalsAt(lp.seek(1), b("abcd")));
        assertTrue(lp.equalsAt(lp.seek(2), b("-7")));
        assertTrue(lp.compareAt(lp.seek(0), b("13"), 0, 2) < 0, "\"123\" < \"13\" as bytes");
        assertTrue(lp.compareAt(lp.seek(1), b("abb"), 0, 3) > 0);
        assertEquals(0, lp.compareAt(lp.seek(1), b("abc"), 0, 3));
        assertTrue(lp.compareAt(lp.seek(1), b("ab"), 0, 2) > 0);
        Listpack hi = new Listpack();
        hi.append(new byte[] {(byte) 0xFF});
        assertTrue(hi.compareAt(hi.first(), b("a"), 0, 1) > 0, "bytes compare unsigned");
    }

    @Test
    void toBytesTrimsSpareRoomAndOfRoundTrips() {
        Listpack lp = of("a", "1000", "hello world");
        assertTrue(lp.array().length >= lp.bytes());
        byte[] copy = lp.toBytes();
        assertEquals(lp.bytes(), copy.length);
        Listpack back = Listpack.of(copy);
        assertEquals(contents(lp), contents(back));
        assertEquals(3, back.size());
        back.append(b("more"));
        assertEquals(List.of("a", "1000", "hello world", "more"), contents(back));
        lp.trim();
        assertEquals(lp.bytes(), lp.array().length);
        Listpack c = lp.copy();
        c.clear();
        assertEquals(3, lp.size());
        assertEquals("070000000000ff", hex(c.toBytes()));
    }

    // ------------------------------------------------------------------ validation

    @Test
    void validateRefusesCorruptBlobsNamingTheProblem() {
        byte[] good = of("f1", "v1", "f2", "123").toBytes();
        Listpack.of(good.clone());
        assertMessage("shorter", hex("0600000000ff"));
        assertMessage("header says", hex("080000000000ff"));
        assertMessage("end marker", hex("0700000000007f"));
        assertMessage("invalid encoding byte 0xf5", hex("090000000100f501ff"));
        assertMessage("header count 3 but 4 entries", withByte(good, 4, 3));
        assertMessage("backlen", withByte(good, 9, 4)); // "f1"'s backlen
        assertMessage("runs past the end", withByte(good, 6, 0xbf)); // "f1" claims 63 bytes
        assertMessage("runs past the end", hex("0c000000 0100 f0ffffff7f ff"));
        assertMessage("12-bit string length", hex("080000000100e0ff"));
        assertMessage("runs past the end", hex("0a000000 0100 f4 0000 ff"));
        // 65535 means "count by walking" and is accepted whatever the number of entries
        assertEquals(4, Listpack.of(withByte(withByte(good, 4, 0xff), 5, 0xff)).size());
    }

    @Test
    void validateRefusesEveryTruncation() {
        Listpack lp = new Listpack();
        lp.append(b("hello"));
        lp.append(Long.MIN_VALUE);
        lp.append(pattern(200));
        lp.append(-3);
        lp.append(pattern(5000));
        byte[] good = lp.toBytes();
        for (int cut = 7; cut < good.length; cut++) {
            byte[] t = Arrays.copyOf(good, cut);
            t[cut - 1] = (byte) 0xFF;
            t[0] = (byte) cut;
            t[1] = (byte) (cut >> 8);
            t[2] = 0;
            t[3] = 0;
            int c = cut;
            assertThrows(IllegalArgumentException.class, () -> Listpack.of(t), "cut at " + c);
        }
    }

    @Test
    void corruptedBytesAreRefusedOrReadSafely() {
        Listpack lp = new Listpack();
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 40; i++) {
            if (r.nextBoolean()) {
                lp.append(r.nextLong() >> r.nextInt(64));
            } else {
                lp.append(pattern(r.nextInt(300)));
            }
        }
        byte[] good = lp.toBytes();
        for (int round = 0; round < 20_000; round++) {
            byte[] bad = good.clone();
            int flips = 1 + r.nextInt(3);
            for (int i = 0; i < flips; i++) {
                bad[6 + r.nextInt(bad.length - 7)] = (byte) r.nextInt(256);
            }
            Listpack read;
            try {
                read = Listpack.of(bad);
            } catch (IllegalArgumentException refused) {
                continue;
            }
            int n = 0;
            for (int p = read.first(); p >= 0; p = read.next(p)) {
                read.bytesAt(p);
                n++;
            }
            for (int p = read.last(); p >= 0; p = read.prev(p)) {
                n--;
            }
            assertEquals(0, n);
        }
    }

    private static byte[] withByte(byte[] b, int at, int v) {
        byte[] c = b.clone();
        c[at] = (byte) v;
        return c;
    }

    private static void assertMessage(String part, byte[] blob) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Listpack.of(blob));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    // ------------------------------------------------------------------ model

    @Test
    void randomOperationsKeepTheSameContentsAsAnArrayListModel() {
        SplittableRandom r = new SplittableRandom(42);
        Listpack lp = new Listpack(8);
        List<byte[]> model = new ArrayList<>();
        for (int op = 0; op < 20_000; op++) {
            byte[] v = randomValue(r);
            int n = model.size();
            switch (r.nextInt(10)) {
                case 0, 1 -> {
                    lp.append(v);
                    model.add(v);
                }
                case 2 -> {
                    lp.prepend(v);
                    model.add(0, v);
                }
                case 3 -> {
                    if (n > 0) {
                        int i = r.nextInt(n);
                        int p = lp.insertBefore(lp.seek(i), v);
                        model.add(i, v);
                        assertTrue(lp.equalsAt(p, v));
                    }
                }
                case 4 -> {
                    if (n > 0) {
                        int i = r.nextInt(n);
                        int p = lp.insertAfter(lp.seek(i - n), v);
                        model.add(i + 1, v);
                        assertEquals(p, lp.seek(i + 1));
                    }
                }
                case 5 -> {
                    if (n > 0) {
                        int i = r.nextInt(n);
                        lp.replace(lp.seek(i), v);
                        model.set(i, v);
                    }
                }
                case 6 -> {
                    if (n > 0) {
                        int i = r.nextInt(n);
                        int next = lp.delete(lp.seek(i));
                        model.remove(i);
                        assertEquals(i < n - 1 ? lp.seek(i) : -1, next);
                    }
                }
                case 7 -> {
                    int i = r.nextInt(-n - 2, n + 2);
                    int count = r.nextInt(6);
                    lp.deleteRange(i, count);
                    int start = i < 0 ? i + n : i;
                    if (start >= 0 && start < n) {
                        model.subList(start, Math.min(n, start + count)).clear();
                    }
                }
                case 8 -> {
                    long x = r.nextLong() >> r.nextInt(64);
                    lp.append(x);
                    model.add(Long.toString(x).getBytes(StandardCharsets.US_ASCII));
                }
                default -> {
                    if (n > 0) {
                        byte[] want = model.get(r.nextInt(n));
                        int found = lp.find(want, 0);
                        int index = -1;
                        for (int i = 0; i < n; i++) {
                            if (Arrays.equals(model.get(i), want)) {
                                index = i;
                                break;
                            }
                        }
                        assertEquals(lp.seek(index), found);
                    }
                }
            }
            if (model.size() > 300) {
                lp.deleteRange(0, 100);
                model.subList(0, 100).clear();
            }
            assertEquals(model.size(), lp.size());
            if (op % 50 == 0 || op > 19_900) {
                assertSame(model, lp);
            }
        }
    }

    private static byte[] randomValue(SplittableRandom r) {
        switch (r.nextInt(6)) {
            case 0:
                return Long.toString(r.nextLong() >> r.nextInt(64)).getBytes(StandardCharsets.US_ASCII);
            case 1:
                return Long.toString(r.nextInt(-200, 200)).getBytes(StandardCharsets.US_ASCII);
            case 2:
                return b(new String[] {"0123", "-0", "", " 1", "1e3", "+5", "x"}[r.nextInt(7)]);
            case 3:
                return pattern(r.nextInt(60, 70));
            case 4:
                return pattern(r.nextInt(4090, 4100));
            default:
                byte[] s = new byte[r.nextInt(20)];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (byte) r.nextInt(256);
                }
                return s;
        }
    }

    private static void assertSame(List<byte[]> model, Listpack lp) {
        int i = 0;
        for (int p = lp.first(); p >= 0; p = lp.next(p), i++) {
            assertArrayEquals(model.get(i), lp.bytesAt(p), "entry " + i);
            assertTrue(lp.equalsAt(p, model.get(i)));
        }
        assertEquals(model.size(), i);
        for (int p = lp.last(); p >= 0; p = lp.prev(p)) {
            i--;
            assertArrayEquals(model.get(i), lp.bytesAt(p));
        }
        assertEquals(0, i);
        Listpack rebuilt = new Listpack();
        for (byte[] v : model) {
            rebuilt.append(v);
        }
        assertArrayEquals(rebuilt.toBytes(), lp.toBytes(), "same bytes as appending the same values");
        assertEquals(model.size(), Listpack.of(lp.toBytes()).size());
    }
}
