package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZSetValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The model: member to score, listed sorted by score then member bytes. */
    private static List<String> sorted(Map<String, Double> model) {
        List<String> members = new ArrayList<>(model.keySet());
        members.sort((x, y) -> {
            int c = Double.compare(model.get(x) + 0.0, model.get(y) + 0.0);
            return c != 0 ? c : Arrays.compareUnsigned(b(x), b(y));
        });
        return members;
    }

    private static List<String> listed(ZSetValue z) {
        List<String> out = new ArrayList<>();
        z.forEach((m, sc) -> out.add(s(m)));
        return out;
    }

    @Test
    void randomOperationsMatchASortedModelInBothEncodings() {
        for (long maxEntries : new long[] {1000, 8}) {
            Random random = new Random(7 + maxEntries);
            ZSetValue z = new ZSetValue(false);
            Map<String, Double> model = new HashMap<>();
            double[] scores = {0, 1, -1, 2.5, 1e300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1, 3};
            for (int step = 0; step < 5000; step++) {
                String member = (random.nextBoolean() ? "m" : "") + random.nextInt(25);
                double score = scores[random.nextInt(scores.length)];
                switch (random.nextInt(6)) {
                    case 0, 1 -> {
                        assertEquals(!model.containsKey(member), z.set(b(member), score, maxEntries, 64));
                        model.put(member, score);
                    }
                    case 2 -> assertEquals(model.remove(member) != null, z.remove(b(member)));
                    case 3 -> {
                        List<String> order = sorted(model);
                        int rank = order.indexOf(member);
                        assertEquals(rank, z.rank(b(member), false));
                        assertEquals(rank < 0 ? -1 : order.size() - 1 - rank, z.rank(b(member), true));
                        Double expected = model.get(member);
                        double actual = z.score(b(member));
                        assertEquals(expected == null ? Double.NaN : expected, actual);
                    }
                    case 4 -> {
                        List<String> order = sorted(model);
                        if (!order.isEmpty()) {
                            int start = random.nextInt(order.size());
                            int end = Math.min(order.size() - 1, start + random.nextInt(3));
                            z.removeRanks(start, end);
                            for (String m : order.subList(start, end + 1)) {
                                model.remove(m);
                            }
                        }
                    }
                    default -> {
                        double lo = scores[random.nextInt(scores.length)];
                        double hi = scores[random.nextInt(scores.length)];
                        boolean loEx = random.nextBoolean();
                        boolean hiEx = random.nextBoolean();
                        SkipList.ScoreRange range = new SkipList.ScoreRange(lo, loEx, hi, hiEx);
                        List<String> order = sorted(model);
                        long first = -1;
                        long last = -1;
                        for (int i = 0; i < order.size(); i++) {
                            double sc = model.get(order.get(i));
                            if (range.aboveMin(sc) && range.belowMax(sc)) {
                                if (first < 0) {
                                    first = i;
                                }
                                last = i;
                            }
                        }
                        assertEquals(first < 0 ? order.size() : first, z.firstRank(range), "first of " + range);
                        assertEquals(last, z.lastRank(range));
                    }
                }
                assertEquals(model.size(), z.size());
                assertEquals(sorted(model), listed(z), "step " + step);
            }
            assertEquals(maxEntries == 8 ? "skiplist" : "listpack", z.encoding());
            // walking backwards from the top gives the reverse order
            List<String> backwards = new ArrayList<>();
            for (ZSetValue.Cursor c = z.at(z.size() - 1); c.valid(); c.prev()) {
                backwards.add(s(c.member()));
            }
            List<String> expected = sorted(model);
            java.util.Collections.reverse(expected);
            assertEquals(expected, backwards);
        }
    }

    @Test
    void lexRangesCountLikeTheModel() {
        for (boolean skiplist : new boolean[] {false, true}) {
            ZSetValue z = new ZSetValue(skiplist);
            for (String m : new String[] {"a", "b", "c", "d", "e"}) {
                z.set(b(m), 0, 128, 64);
            }
            SkipList.LexRange r = SkipList.LexRange.parse(b("[b"), b("(e"));
            assertEquals(1, z.firstRank(r));
            assertEquals(3, z.lastRank(r));
            r = SkipList.LexRange.parse(b("(e"), b("+"));
            assertEquals(5, z.firstRank(r));
            assertEquals(-1, z.lastRank(r));
            r = SkipList.LexRange.parse(b("-"), b("+"));
            assertEquals(0, z.firstRank(r));
            assertEquals(4, z.lastRank(r));
        }
    }

    @Test
    void listpackStoresScoresAsD2string() {
        ZSetValue z = new ZSetValue(false);
        z.set(b("i"), 3, 128, 64);
        z.set(b("f"), 0.5, 128, 64);
        z.set(b("n"), Double.NEGATIVE_INFINITY, 128, 64);
        Listpack lp = Listpack.of(z.listpackBytes());
        int pos = lp.first();
        assertArrayEquals(b("n"), lp.bytesAt(pos));
        assertArrayEquals(b("-inf"), lp.bytesAt(lp.next(pos)));
        pos = lp.next(lp.next(pos));
        assertArrayEquals(b("0.5"), lp.bytesAt(lp.next(pos)));
        pos = lp.next(lp.next(pos));
        assertTrue(lp.isInteger(lp.next(pos)));
        assertEquals(3, lp.integerAt(lp.next(pos)));
        assertArrayEquals(b("4503599627370495"), ZSetValue.d2string(4503599627370495.0));
        assertArrayEquals(b("4503599627370496"), ZSetValue.d2string(4503599627370496.0));
        assertArrayEquals(b("1e+22"), ZSetValue.d2string(1e22));
    }

    @Test
    void aLongMemberOrTooManyConvertAndNeverGoBack() {
        ZSetValue z = new ZSetValue(false);
        z.set(b("a"), 1, 2, 4);
        z.set(b("b"), 1, 2, 4);
        assertEquals("listpack", z.encoding());
        z.set(b("a"), 5, 2, 4); // an update is never a reason to convert
        assertEquals("listpack", z.encoding());
        z.set(b("c"), 1, 2, 4);
        assertEquals("skiplist", z.encoding());
        z.remove(b("a"));
        z.remove(b("b"));
        z.remove(b("c"));
        assertEquals("skiplist", z.encoding());
        ZSetValue y = new ZSetValue(false);
        y.set(b("12345"), 1, 128, 4);
        assertEquals("skiplist", y.encoding());
    }

    @Test
    void copiesAreIndependentAndDigestsAgreeAcrossEncodings() {
        ZSetValue lp = new ZSetValue(false);
        ZSetValue sl = new ZSetValue(true);
        for (int i = 0; i < 20; i++) {
            lp.set(b("m" + i), i * 0.25, 128, 64);
            sl.set(b("m" + i), i * 0.25, 128, 64);
        }
        Digest d1 = new Digest();
        lp.digest(d1);
        Digest d2 = new Digest();
        sl.digest(d2);
        assertEquals(d1.hex(), d2.hex());
        for (ZSetValue z : new ZSetValue[] {lp, sl}) {
            ZSetValue copy = z.copy();
            assertEquals(z.encoding(), copy.encoding());
            copy.remove(b("m0"));
            copy.set(b("m1"), 100, 128, 64);
            assertEquals(0.0, z.score(b("m0")));
            assertEquals(0.25, z.score(b("m1")));
            assertFalse(z.size() == copy.size());
        }
    }

    @Test
    void scoresParseAsStrtodDoesForGetDoubleFromObject() {
        assertEquals(Double.POSITIVE_INFINITY, ZSetValue.parseScore(b("+inf")));
        assertEquals(Double.NEGATIVE_INFINITY, ZSetValue.parseScore(b("-Infinity")));
        assertEquals(16.0, ZSetValue.parseScore(b("0x10")));
        assertEquals(0.5, ZSetValue.parseScore(b(".5")));
        assertEquals(5.0, ZSetValue.parseScore(b("5.")));
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(ZSetValue.parseScore(b("-0"))));
        assertArrayEquals(b("0"), ZSetValue.d2string(-0.0));
        for (String bad : new String[] {"", " 1", "1 ", "nan", "1e400", "1e-400", "abc", "1e", "--1", "0x"}) {
            assertTrue(Double.isNaN(ZSetValue.parseScore(b(bad))), bad);
        }
    }
}
