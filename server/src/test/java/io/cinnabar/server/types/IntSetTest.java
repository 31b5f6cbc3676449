package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IntSetTest {

    /**
     * The intset inside a real Redis 7.0.15 DUMP (rdbcompression off): the DUMP is the type byte 0x0b, the RDB
     * string length, the intset, then a 10-byte trailer (RDB version and CRC64), which this strips.
     */
    private static byte[] intsetOfDump(String dumpHex) {
        byte[] dump = HexFormat.of().parseHex(dumpHex);
        assertEquals(0x0b, dump[0]);
        int len = dump[1] & 0xff;
        assertTrue(len < 64, "6-bit RDB length expected");
        assertEquals(2 + len + 10, dump.length);
        return Arrays.copyOfRange(dump, 2, 2 + len);
    }

    private static IntSet setOf(long... values) {
        IntSet s = new IntSet();
        for (long v : values) {
            s.add(v);
        }
        return s;
    }

    private static void assertBytes(String dumpHex, IntSet set) {
        byte[] expected = intsetOfDump(dumpHex);
        assertArrayEquals(expected, set.toBytes(), set.toString());
        assertEquals(expected.length, set.bytes());
        IntSet loaded = IntSet.of(expected);
        assertArrayEquals(expected, loaded.toBytes());
    }

    @Test
    void bytesMatchRedisDumpOfSmallSet() {
        // SADD s 1 2 3
        assertBytes("0b0e02000000030000000100020003000a00a5025ce26d6e4d1b", setOf(3, 1, 2));
    }

    @Test
    void bytesMatchRedisDumpWithSixtyFourBitMembers() {
        // SADD t 5 -40000 9223372036854775807 -9223372036854775808 100000
        assertBytes("0b3008000000050000000000000000000080c063ffffffffffff0500000000000000a086010000000000"
                + "ffffffffffffff7f0a00179d9d1847369a7b",
                setOf(5, -40000, Long.MAX_VALUE, Long.MIN_VALUE, 100000));
    }

    @Test
    void bytesMatchRedisDumpAtEveryWidthBoundary() {
        // SADD u 1 70000 -3
        assertBytes("0b140400000003000000fdffffff01000000701101000a007b8d4dddaf2286d7", setOf(1, 70000, -3));
        // SADD w -1 -2 32767 -32768
        assertBytes("0b1002000000040000000080feffffffff7f0a0015270daa0372197c", setOf(-1, -2, 32767, -32768));
        // SADD x 32768 -32769 2147483647 -2147483648
        assertBytes("0b18040000000400000000000080ff7fffff00800000ffffff7f0a00ffd325b16a094c48",
                setOf(32768, -32769, Integer.MAX_VALUE, Integer.MIN_VALUE));
        // SADD y 2147483648 0
        assertBytes("0b180800000002000000000000000000000000000080000000000a005f68ddfbf0aea976",
                setOf(2147483648L, 0));
    }

    @Test
    void emptySetIsInt16HeaderOnly() {
        IntSet s = new IntSet();
        assertEquals(0, s.size());
        assertEquals(IntSet.ENC_INT16, s.encoding());
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, s.toBytes());
        assertFalse(s.contains(0));
        assertFalse(s.remove(0));
    }

    @Test
    void encodingForPicksNarrowestWidth() {
        assertEquals(2, IntSet.encodingFor(0));
        assertEquals(2, IntSet.encodingFor(Short.MAX_VALUE));
        assertEquals(2, IntSet.encodingFor(Short.MIN_VALUE));
        assertEquals(4, IntSet.encodingFor(Short.MAX_VALUE + 1));
        assertEquals(4, IntSet.encodingFor(Short.MIN_VALUE - 1));
        assertEquals(4, IntSet.encodingFor(Integer.MAX_VALUE));
        assertEquals(4, IntSet.encodingFor(Integer.MIN_VALUE));
        assertEquals(8, IntSet.encodingFor(Integer.MAX_VALUE + 1L));
        assertEquals(8, IntSet.encodingFor(Integer.MIN_VALUE - 1L));
        assertEquals(8, IntSet.encodingFor(Long.MIN_VALUE));
    }

    @Test
    void upgradeAppendsPositiveAndPrependsNegativeAtEachWidth() {
        IntSet s = setOf(-5, 0, 7);
        assertEquals(2, s.encoding());

        assertTrue(s.add(40000)); // 16 -> 32, goes last
        assertEquals(4, s.encoding());
        assertValues(s, -5, 0, 7, 40000);

        assertTrue(s.add(-70000)); // already 32 wide: ordinary insert at the front
        assertValues(s, -70000, -5, 0, 7, 40000);

        assertTrue(s.add(-5_000_000_000L)); // 32 -> 64, goes first
        assertEquals(8, s.encoding());
        assertValues(s, -5_000_000_000L, -70000, -5, 0, 7, 40000);

        assertTrue(s.add(Long.MAX_VALUE));
        assertValues(s, -5_000_000_000L, -70000, -5, 0, 7, 40000, Long.MAX_VALUE);

        IntSet t = setOf(1, 2);
        assertTrue(t.add(-40000)); // 16 -> 32 with a negative: goes first
        assertValues(t, -40000, 1, 2);
        assertTrue(t.add(Long.MIN_VALUE)); // 32 -> 64 with a negative
        assertValues(t, Long.MIN_VALUE, -40000, 1, 2);

        IntSet u = setOf(-1, 1);
        assertTrue(u.add(1L << 40)); // 16 -> 64 directly, positive: goes last
        assertEquals(8, u.encoding());
        assertValues(u, -1, 1, 1L << 40);
        assertTrue(setOf(3).add(Long.MIN_VALUE));
    }

    @Test
    void neverDowngradesAfterWideValueRemoved() {
        IntSet s = setOf(1, 2, 1L << 40);
        assertTrue(s.remove(1L << 40));
        assertEquals(8, s.encoding());
        assertValues(s, 1, 2);
        assertEquals(IntSet.HEADER + 2 * 8, s.bytes());
    }

    @Test
    void duplicateAddReturnsFalseAtEveryWidth() {
        for (long v : new long[] {7, -7, 40000, -40000, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE}) {
            IntSet s = setOf(v, 1);
            byte[] before = s.toBytes();
            assertFalse(s.add(v));
            assertArrayEquals(before, s.toBytes());
        }
    }

    @Test
    void searchAndRemoveAtEveryWidth() {
        long[][] widths = {
            {Short.MIN_VALUE, -300, -1, 0, 1, 300, Short.MAX_VALUE},
            {Integer.MIN_VALUE, -70000, -1, 0, 1, 70000, Integer.MAX_VALUE},
            {Long.MIN_VALUE, -(1L << 40), -1, 0, 1, 1L << 40, Long.MAX_VALUE},
        };
        int[] encodings = {2, 4, 8};
        for (int w = 0; w < widths.length; w++) {
            long[] values = widths[w];
            IntSet s = setOf(values);
            assertEquals(encodings[w], s.encoding());
            for (int i = 0; i < values.length; i++) {
                assertTrue(s.contains(values[i]));
                assertEquals(i, s.indexOf(values[i]));
                assertEquals(values[i], s.get(i));
                // neighbours that are not members, including ones too wide for the encoding
                if (values[i] != Long.MAX_VALUE && i + 1 < values.length && values[i + 1] != values[i] + 1) {
                    assertFalse(s.contains(values[i] + 1));
                    assertEquals(-(i + 1) - 1, s.indexOf(values[i] + 1));
                }
            }
            assertFalse(s.contains(w < 2 ? Long.MAX_VALUE : 2));
            assertFalse(s.remove(w < 2 ? Long.MIN_VALUE : 2));
            assertEquals(values[0], s.min());
            assertEquals(values[values.length - 1], s.max());

            // remove from the middle, the front and the back
            List<Long> model = new ArrayList<>();
            for (long v : values) {
                model.add(v);
            }
            int[] order = {3, 0, model.size() - 1};
            for (int idx : order) {
                long v = model.get(Math.min(idx, model.size() - 1));
                assertTrue(s.remove(v));
                assertFalse(s.remove(v));
                assertFalse(s.contains(v));
                model.remove(v);
                assertValues(s, model.stream().mapToLong(Long::longValue).toArray());
                assertEquals(encodings[w], s.encoding());
            }
            while (s.size() > 0) {
                assertTrue(s.remove(s.get(0)));
            }
            assertArrayEquals(new byte[] {(byte) encodings[w], 0, 0, 0, 0, 0, 0, 0}, s.toBytes());
        }
    }

    @Test
    void removeAtReturnsValue() {
        IntSet s = setOf(10, 20, 30);
        assertEquals(20, s.removeAt(1));
        assertValues(s, 10, 30);
        assertThrows(IndexOutOfBoundsException.class, () -> s.removeAt(2));
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(-1));
    }

    @Test
    void randomPicksEveryMember() {
        IntSet s = setOf(-1, 5, 1L << 33);
        SplittableRandom r = new SplittableRandom(1);
        TreeSet<Long> seen = new TreeSet<>();
        for (int i = 0; i < 200; i++) {
            long v = s.random(r);
            assertTrue(s.contains(v));
            seen.add(v);
        }
        assertEquals(3, seen.size());
        assertThrows(java.util.NoSuchElementException.class, () -> new IntSet().random(r));
    }

    @Test
    void validateAcceptsRedisBlobs() {
        byte[] blob = intsetOfDump("0b0e02000000030000000100020003000a00a5025ce26d6e4d1b");
        assertTrue(IntSet.validate(blob, true));
        IntSet s = IntSet.of(blob);
        assertValues(s, 1, 2, 3);
        assertTrue(s.add(4));
        assertEquals(4, s.size());
        // Redis does not require the narrowest encoding: small values in an int64 intset load
        byte[] wide = setOf(1, 2, 1L << 40).toBytes();
        IntSet w = IntSet.of(wide);
        assertTrue(w.remove(1L << 40));
        assertTrue(IntSet.validate(w.toBytes(), true));
    }

    @Test
    void validateRefusesCorruptBlobs() {
        byte[] good = setOf(1, 2, 3).toBytes();
        assertTrue(IntSet.validate(good, true));

        assertFalse(IntSet.validate(null, true));
        assertFalse(IntSet.validate(new byte[7], false), "header cut short");
        assertFalse(IntSet.validate(new IntSet().toBytes(), false), "empty set");

        for (int enc : new int[] {0, 1, 3, 5, 16, 0x02000000}) {
            byte[] b = good.clone();
            b[0] = (byte) enc;
            b[3] = (byte) (enc >>> 24);
            assertFalse(IntSet.validate(b, false), "encoding " + enc);
        }

        byte[] longer = Arrays.copyOf(good, good.length + 2);
        assertFalse(IntSet.validate(longer, false), "trailing bytes");
        assertFalse(IntSet.validate(Arrays.copyOf(good, good.length - 1), false), "truncated");

        byte[] countTooBig = good.clone();
        countTooBig[4] = 4;
        assertFalse(IntSet.validate(countTooBig, false), "length field larger than the data");
        byte[] countHuge = good.clone();
        countHuge[4] = 3;
        countHuge[7] = (byte) 0x80; // 2^31 + 3: must not wrap around to a small size
        assertFalse(IntSet.validate(countHuge, false));

        byte[] unsorted = good.clone();
        unsorted[8] = 5; // 5, 2, 3
        assertTrue(IntSet.validate(unsorted, false), "shallow check does not look at values");
        assertFalse(IntSet.validate(unsorted, true));
        byte[] duplicate = good.clone();
        duplicate[10] = 1; // 1, 1, 3
        assertFalse(IntSet.validate(duplicate, true));

        assertThrows(IllegalArgumentException.class, () -> IntSet.of(unsorted));
        assertThrows(IllegalArgumentException.class, () -> IntSet.of(longer));
    }

    @Test
    void randomOperationsMatchTreeSetModel() {
        SplittableRandom r = new SplittableRandom(42);
        for (int round = 0; round < 20; round++) {
            IntSet s = new IntSet();
            TreeSet<Long> model = new TreeSet<>();
            int maxEnc = 2;
            for (int op = 0; op < 2000; op++) {
                long v = randomValue(r, round);
                int kind = r.nextInt(10);
                if (kind < 6) {
                    assertEquals(model.add(v), s.add(v));
                    maxEnc = Math.max(maxEnc, IntSet.encodingFor(v));
                } else if (kind < 9) {
                    if (!model.isEmpty() && r.nextBoolean()) {
                        v = s.get(r.nextInt(s.size())); // hit a member
                    }
                    assertEquals(model.remove(v), s.remove(v));
                } else {
                    assertEquals(model.contains(v), s.contains(v));
                }
                assertEquals(model.size(), s.size());
                assertEquals(maxEnc, s.encoding());
                assertEquals(IntSet.HEADER + s.size() * maxEnc, s.bytes());
            }
            int i = 0;
            for (long v : model) {
                assertEquals(v, s.get(i));
                assertEquals(i, s.indexOf(v));
                i++;
            }
            if (!model.isEmpty()) {
                assertEquals(model.first(), s.min());
                assertEquals(model.last(), s.max());
                assertTrue(IntSet.validate(s.toBytes(), true));
                assertArrayEquals(s.toBytes(), IntSet.of(s.toBytes()).toBytes());
            }
        }
    }

    /** Mostly small values so searches hit, with rarer wide ones so upgrades happen at different sizes. */
    private static long randomValue(SplittableRandom r, int round) {
        int p = r.nextInt(1000);
        if (p < 2 + round) {
            return r.nextLong();
        }
        if (p < 20 + round * 3) {
            return r.nextInt();
        }
        return r.nextInt(-300, 300);
    }

    private static void assertValues(IntSet s, long... expected) {
        assertEquals(expected.length, s.size(), s.toString());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], s.get(i), s.toString());
        }
        assertEquals(IntSet.HEADER + expected.length * s.encoding(), s.toBytes().length);
    }
}
