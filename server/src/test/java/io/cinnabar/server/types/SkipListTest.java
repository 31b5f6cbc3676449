package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SkipListTest {

    /** A model entry: member bytes as an ISO-8859-1 string (one char per byte) and score. */
    private record E(String member, double score) {
        byte[] bytes() {
            return b(member);
        }
    }

    /** The list's order: score with C's comparison (-0 == 0), then memcmp; ISO-8859-1 chars compare as bytes. */
    private static final Comparator<E> ORDER = (x, y) -> x.score < y.score ? -1
            : x.score > y.score ? 1 : Arrays.compareUnsigned(x.bytes(), y.bytes());

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static final double[] SCORES = {
        Double.NEGATIVE_INFINITY, -1e300, -2.5, -1, -0.0, 0.0, 0.5, 1, 2, 3, 1e300, Double.POSITIVE_INFINITY};

    private static String randomMember(SplittableRandom r) {
        int len = r.nextInt(4);
        char[] c = new char[len];
        for (int i = 0; i < len; i++) {
            // a small alphabet so prefixes and ties are common, with bytes on both sides of 0x80
            c[i] = "\0a\u007f\u0080\u00ff".charAt(r.nextInt(5));
        }
        return new String(c);
    }

    private static double randomScore(SplittableRandom r) {
        return r.nextInt(4) == 0 ? r.nextDouble(-10, 10) : SCORES[r.nextInt(SCORES.length)];
    }

    /** Asserts the list holds exactly the model, in order, with every rank and every byRank agreeing. */
    private static void assertMatches(SkipList list, TreeMap<E, Boolean> model) {
        assertNull(list.check());
        assertEquals(model.size(), list.length());
        int i = 0;
        SkipList.Node prev = null;
        SkipList.Node x = list.first();
        for (E e : model.keySet()) {
            assertNotNull(x);
            assertEquals(e.member, s(x.member()));
            assertEquals(Double.doubleToRawLongBits(e.score), Double.doubleToRawLongBits(x.score()));
            assertSame(prev, x.prev());
            assertSame(x, list.byRank(i));
            assertEquals(i, list.rank(e.bytes(), e.score));
            prev = x;
            x = x.next();
            i++;
        }
        assertNull(x);
        assertSame(prev, list.last());
        assertNull(list.byRank(model.size()));
        assertNull(list.byRank(-1));
    }

    @Test
    void randomInsertsDeletesAndUpdatesMatchTreeMapModel() {
        SplittableRandom r = new SplittableRandom(7);
        SkipList list = new SkipList(new SplittableRandom(1));
        TreeMap<E, Boolean> model = new TreeMap<>(ORDER);
        Map<String, Double> scores = new HashMap<>();
        for (int op = 0; op < 6000; op++) {
            String m = randomMember(r) + (r.nextInt(8) == 0 ? "" : Integer.toString(r.nextInt(400)));
            Double old = scores.get(m);
            int kind = r.nextInt(10);
            if (old == null) {
                if (kind < 7) {
                    double sc = randomScore(r);
                    SkipList.Node node = list.insert(b(m), sc);
                    assertEquals(m, s(node.member()));
                    model.put(new E(m, sc), true);
                    scores.put(m, sc);
                } else {
                    assertFalse(list.delete(b(m), randomScore(r)));
                    assertEquals(-1, list.rank(b(m), randomScore(r)));
                }
            } else if (kind < 4) {
                assertTrue(list.delete(b(m), old));
                assertFalse(list.delete(b(m), old));
                model.remove(new E(m, old));
                scores.remove(m);
            } else if (kind < 8) {
                double sc = r.nextBoolean() ? randomScore(r) : old + r.nextDouble(-0.1, 0.1);
                SkipList.Node node = list.updateScore(b(m), old, sc);
                assertEquals(sc, node.score());
                model.remove(new E(m, old));
                model.put(new E(m, sc), true);
                scores.put(m, sc);
            } else {
                // a member at the wrong score is not found
                double wrong = old == 1e300 ? 2 : 1e300;
                assertEquals(-1, list.rank(b(m), wrong));
                assertFalse(list.delete(b(m), wrong));
                assertThrows(IllegalStateException.class, () -> list.updateScore(b(m), wrong, 1));
            }
            if (op % 500 == 0) {
                assertMatches(list, model);
            }
        }
        assertTrue(model.size() > 300, "model size " + model.size());
        assertMatches(list, model);
        // empty it again
        while (list.length() > 0) {
            SkipList.Node n = list.byRank(r.nextInt((int) list.length()));
            E e = new E(s(n.member()), n.score());
            assertTrue(list.delete(n.member(), n.score()));
            model.remove(e);
        }
        assertMatches(list, model);
        assertNull(list.first());
        assertNull(list.last());
    }

    @Test
    void sortedSetIndexKeepsMapAndListInStep() {
        SplittableRandom r = new SplittableRandom(11);
        SortedSetIndex z = new SortedSetIndex(new SplittableRandom(2));
        TreeMap<E, Boolean> model = new TreeMap<>(ORDER);
        Map<String, Double> scores = new HashMap<>();
        for (int op = 0; op < 5000; op++) {
            String m = randomMember(r) + r.nextInt(300);
            Double old = scores.get(m);
            int kind = r.nextInt(10);
            if (kind < 5) {
                double sc = randomScore(r);
                assertEquals(old == null, z.add(b(m), sc));
                // an equal score (0 and -0 included) leaves the stored one, as zsetAdd
                double stored = old != null && old == sc ? old : sc;
                if (old != null) {
                    model.remove(new E(m, old));
                }
                model.put(new E(m, stored), true);
                scores.put(m, stored);
            } else if (kind < 7) {
                assertEquals(old != null, z.remove(b(m)));
                if (old != null) {
                    model.remove(new E(m, old));
                    scores.remove(m);
                }
            } else if (kind < 9) {
                double delta = r.nextInt(5) == 0 ? randomScore(r) : r.nextInt(-3, 4);
                double base = old == null ? 0 : old;
                double result = z.incr(b(m), delta);
                if (Double.isNaN(base + delta)) {
                    assertTrue(Double.isNaN(result));
                    assertEquals(old != null, z.contains(b(m)));
                } else {
                    assertEquals(base + delta, result);
                    double stored = old != null && old == base + delta ? old : base + delta;
                    if (old != null) {
                        model.remove(new E(m, old));
                    }
                    model.put(new E(m, stored), true);
                    scores.put(m, stored);
                }
            } else {
                long rank = z.rank(b(m), false);
                long rev = z.rank(b(m), true);
                if (old == null) {
                    assertEquals(-1, rank);
                    assertEquals(-1, rev);
                    assertTrue(Double.isNaN(z.score(b(m))));
                } else {
                    assertEquals(model.headMap(new E(m, old)).size(), rank);
                    assertEquals(model.size() - 1 - rank, rev);
                    assertEquals(old, z.score(b(m)));
                }
            }
            assertEquals(scores.size(), z.size());
        }
        assertMatches(z.list(), model);
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            assertEquals(Double.doubleToRawLongBits(e.getValue()), Double.doubleToRawLongBits(z.score(b(e.getKey()))));
        }
        SortedSetIndex copy = z.copy(new SplittableRandom(3));
        assertMatches(copy.list(), model);
        assertEquals(z.size(), copy.size());
        assertThrows(IllegalArgumentException.class, () -> z.add(b("x"), Double.NaN));
    }

    @Test
    void tiesAreOrderedByUnsignedMemcmpShorterFirst() {
        // real Redis 7.0.15, skiplist encoding: ZADD zz 0 "\x80" 0 "\x7f" 0 "\x80\x00" 0 "" 0 "\xff" 0 "a" 0 "ab"
        // 0 "\x01" ranges as "", "\x01", "a", "ab", "\x7f", "\x80", "\x80\x00", "\xff"
        SkipList list = new SkipList(new SplittableRandom(5));
        for (String m : new String[] {"\u0080", "\u007f", "\u0080\0", "", "\u00ff", "a", "ab", "\u0001"}) {
            list.insert(b(m), 0);
        }
        List<String> order = new ArrayList<>();
        for (SkipList.Node x = list.first(); x != null; x = x.next()) {
            order.add(s(x.member()));
        }
        assertEquals(List.of("", "\u0001", "a", "ab", "\u007f", "\u0080", "\u0080\0", "\u00ff"), order);
        // and backwards from the tail
        List<String> back = new ArrayList<>();
        for (SkipList.Node x = list.last(); x != null; x = x.prev()) {
            back.add(0, s(x.member()));
        }
        assertEquals(order, back);
        assertEquals(5, list.rank(b("\u0080"), 0));
        assertEquals(6, list.rank(b("\u0080\0"), 0));
    }

    @Test
    void negativeZeroTiesWithZero() {
        // real Redis 7.0.15, skiplist encoding: ZADD z 0 b -0 a 0 c -> a -0, b 0, c 0 (ordered by member, -0 kept);
        // ZRANGEBYSCORE z (-0 +inf is empty; ZRANGEBYSCORE z 0 0 returns all three
        SkipList list = new SkipList(new SplittableRandom(5));
        list.insert(b("b"), 0.0);
        list.insert(b("a"), -0.0);
        list.insert(b("c"), 0.0);
        assertEquals("a", s(list.first().member()));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(list.first().score()));
        assertEquals("c", s(list.last().member()));
        assertEquals(0, list.rank(b("a"), 0.0)); // looked up at +0: same score
        assertEquals(1, list.rank(b("b"), -0.0));
        assertNull(list.firstInRange(new SkipList.ScoreRange(-0.0, true, Double.POSITIVE_INFINITY, false)));
        assertNull(list.lastInRange(new SkipList.ScoreRange(Double.NEGATIVE_INFINITY, false, 0.0, true)));
        SkipList.ScoreRange zero = new SkipList.ScoreRange(0.0, false, -0.0, false);
        assertEquals("a", s(list.firstInRange(zero).member()));
        assertEquals("c", s(list.lastInRange(zero).member()));
        assertTrue(list.delete(b("a"), 0.0));

        // ZADD z2 -0 b; ZADD z2 0 b -> ZSCORE stays -0
        SortedSetIndex z = new SortedSetIndex(new SplittableRandom(1));
        z.add(b("b"), -0.0);
        assertFalse(z.add(b("b"), 0.0));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(z.score(b("b"))));
        // ZINCRBY z2 -0 b -> -0
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(z.incr(b("b"), -0.0)));
    }

    @Test
    void updateScoreIsInPlaceOnlyWhenOrderIsUnchanged() {
        SkipList list = new SkipList(new SplittableRandom(9));
        list.insert(b("a"), 1);
        SkipList.Node bn = list.insert(b("b"), 2);
        list.insert(b("c"), 3);
        assertSame(bn, list.updateScore(b("b"), 2, 2.5));
        assertEquals(2.5, bn.score());
        // ties with a neighbour's score are not strictly between, so the node is reinserted (zslUpdateScore)
        SkipList.Node moved = list.updateScore(b("b"), 2.5, 3);
        assertNotSame(bn, moved);
        assertEquals(1, list.rank(b("b"), 3));
        SkipList.Node last = list.updateScore(b("a"), 1, 10);
        assertSame(last, list.last());
        assertEquals(2, list.rank(b("a"), 10));
        assertNull(list.check());
    }

    /** The bounds every range test combines: below, at, between and above the scores 1..10. */
    private static final double[] BOUNDS = {
        Double.NEGATIVE_INFINITY, -1, 0, 1, 1.5, 2, 5, 9.5, 10, 11, Double.POSITIVE_INFINITY};

    @Test
    void scoreRangesWithEveryBoundKind() {
        SkipList list = new SkipList(new SplittableRandom(3));
        SkipList empty = new SkipList(new SplittableRandom(3));
        List<E> all = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            // two members per score, plus the infinities as scores too
            list.insert(b("m" + i), i);
            list.insert(b("n" + i), i);
            all.add(new E("m" + i, i));
            all.add(new E("n" + i, i));
        }
        list.insert(b("-inf"), Double.NEGATIVE_INFINITY);
        list.insert(b("+inf"), Double.POSITIVE_INFINITY);
        all.add(0, new E("-inf", Double.NEGATIVE_INFINITY));
        all.add(new E("+inf", Double.POSITIVE_INFINITY));
        int checked = 0;
        for (double min : BOUNDS) {
            for (double max : BOUNDS) {
                for (int ex = 0; ex < 4; ex++) {
                    SkipList.ScoreRange range = new SkipList.ScoreRange(min, (ex & 1) != 0, max, (ex & 2) != 0);
                    List<E> inside = new ArrayList<>();
                    for (E e : all) {
                        if ((range.minExclusive ? e.score > min : e.score >= min)
                                && (range.maxExclusive ? e.score < max : e.score <= max)) {
                            inside.add(e);
                        }
                    }
                    SkipList.Node first = list.firstInRange(range);
                    SkipList.Node last = list.lastInRange(range);
                    if (inside.isEmpty()) {
                        assertNull(first, min + " " + max + " " + ex);
                        assertNull(last);
                    } else {
                        assertEquals(inside.get(0).member, s(first.member()), min + " " + max + " " + ex);
                        assertEquals(inside.get(inside.size() - 1).member, s(last.member()));
                        checked++;
                    }
                    // the quick test only looks at the ends: a range between two nodes passes it and is still empty
                    if (!inside.isEmpty()) {
                        assertTrue(list.isInRange(range));
                    }
                    assertNull(empty.firstInRange(range));
                    assertNull(empty.lastInRange(range));
                }
            }
        }
        assertTrue(checked > 100);
    }

    @Test
    void lexRangesWithEveryBoundKind() {
        String[] members = {"", "\0", "a", "a\0", "ab", "b", "\u007f", "\u0080", "\u0080\u0001", "\u00ff"};
        SkipList list = new SkipList(new SplittableRandom(4));
        List<String> sorted = new ArrayList<>();
        for (String m : members) {
            list.insert(b(m), 0);
            sorted.add(m);
        }
        sorted.sort((x, y) -> Arrays.compareUnsigned(b(x), b(y)));
        String[] items = {"-", "+", "[", "(", "[\0", "(\0", "[a", "(a", "[a\0", "(aa", "[b", "(b", "[\u0080",
            "(\u0080", "[\u00ff", "(\u00ff", "[\u00ff\u00ff", "+\0junk", "-\0"};
        for (String lo : items) {
            for (String hi : items) {
                SkipList.LexRange range = SkipList.LexRange.parse(b(lo), b(hi));
                assertNotNull(range, lo + " " + hi);
                List<String> inside = new ArrayList<>();
                for (String m : sorted) {
                    if (lexAboveMin(m, lo) && lexBelowMax(m, hi)) {
                        inside.add(m);
                    }
                }
                SkipList.Node first = list.firstInRange(range);
                SkipList.Node last = list.lastInRange(range);
                if (inside.isEmpty()) {
                    assertNull(first, lo + " " + hi);
                    assertNull(last, lo + " " + hi);
                } else {
                    assertEquals(inside.get(0), s(first.member()), lo + " " + hi);
                    assertEquals(inside.get(inside.size() - 1), s(last.member()), lo + " " + hi);
                    // walking forward from first stays inside until last
                    int n = 0;
                    for (SkipList.Node x = first; x != null && range.belowMax(x.member()); x = x.next()) {
                        assertEquals(inside.get(n++), s(x.member()));
                    }
                    assertEquals(inside.size(), n);
                }
            }
        }
        // invalid items as zslParseLexRangeItem: empty, no prefix, a sign followed by more
        for (String bad : new String[] {"", "a", "+a", "-a", "++", "]a"}) {
            assertNull(SkipList.LexRange.parse(b(bad), b("+")), bad);
            assertNull(SkipList.LexRange.parse(b("-"), b(bad)), bad);
        }
        // - to - and + to + are empty (the sentinels compare equal and are exclusive)
        assertNull(list.firstInRange(SkipList.LexRange.parse(b("-"), b("-"))));
        assertNull(list.firstInRange(SkipList.LexRange.parse(b("+"), b("+"))));
        assertNull(list.firstInRange(SkipList.LexRange.parse(b("+"), b("-"))));
        assertEquals("", s(list.firstInRange(SkipList.LexRange.parse(b("-"), b("+"))).member()));
    }

    /** Independent model of zslLexValueGteMin with the item text. */
    private static boolean lexAboveMin(String m, String item) {
        char c = item.charAt(0);
        if (c == '-') {
            return true;
        }
        if (c == '+') {
            return false;
        }
        int cmp = Arrays.compareUnsigned(b(m), b(item.substring(1)));
        return c == '(' ? cmp > 0 : cmp >= 0;
    }

    private static boolean lexBelowMax(String m, String item) {
        char c = item.charAt(0);
        if (c == '+') {
            return true;
        }
        if (c == '-') {
            return false;
        }
        int cmp = Arrays.compareUnsigned(b(m), b(item.substring(1)));
        return c == '(' ? cmp < 0 : cmp <= 0;
    }

    /** Collects what a deleteRange* call reports. */
    private static final class Collector implements SkipList.RemovalListener {
        final List<E> removed = new ArrayList<>();

        @Override
        public void removed(byte[] member, double score) {
            removed.add(new E(s(member), score));
        }
    }

    private static SortedSetIndex numbered(int n, boolean sameScore) {
        SortedSetIndex z = new SortedSetIndex(new SplittableRandom(n));
        for (int i = 0; i < n; i++) {
            z.add(b(String.format("m%03d", i)), sameScore ? 0 : i);
        }
        return z;
    }

    private static List<E> expectedRange(int from, int to, boolean sameScore) {
        List<E> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(new E(String.format("m%03d", i), sameScore ? 0 : i));
        }
        return out;
    }

    private static void assertRemaining(SortedSetIndex z, int n, List<E> removed, boolean sameScore) {
        TreeMap<E, Boolean> model = new TreeMap<>(ORDER);
        for (E e : expectedRange(0, n - 1, sameScore)) {
            if (!removed.contains(e)) {
                model.put(e, true);
            }
        }
        assertMatches(z.list(), model);
        assertEquals(model.size(), z.size());
        for (E e : removed) {
            assertFalse(z.contains(e.bytes()), e.member);
        }
    }

    @Test
    void deleteRangeByScoreReturnsRemovedMembers() {
        SortedSetIndex z = numbered(200, false);
        Collector c = new Collector();
        assertEquals(51, z.removeRangeByScore(new SkipList.ScoreRange(10, false, 60, false), c));
        assertEquals(expectedRange(10, 60, false), c.removed);
        assertRemaining(z, 200, c.removed, false);

        Collector d = new Collector();
        assertEquals(18, z.removeRangeByScore(new SkipList.ScoreRange(80.5, true, 99, true), d));
        assertEquals(expectedRange(81, 98, false), d.removed);
        assertEquals(0, z.removeRangeByScore(new SkipList.ScoreRange(30, false, 20, false), null));
        assertEquals(0, z.removeRangeByScore(new SkipList.ScoreRange(5, true, 5, false), null));
        assertEquals(0, z.removeRangeByScore(new SkipList.ScoreRange(20, false, 60, false), null));
        List<E> gone = new ArrayList<>(c.removed);
        gone.addAll(d.removed);
        assertRemaining(z, 200, gone, false);

        Collector e = new Collector();
        long left = z.size();
        assertEquals(left, z.removeRangeByScore(
                new SkipList.ScoreRange(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false), e));
        assertEquals(0, z.size());
        assertEquals(0, z.list().length());
        assertNull(z.list().first());
        assertNull(z.list().check());
    }

    @Test
    void deleteRangeByLexReturnsRemovedMembers() {
        SortedSetIndex z = numbered(100, true);
        Collector c = new Collector();
        assertEquals(20, z.removeRangeByLex(SkipList.LexRange.parse(b("[m010"), b("(m030")), c));
        assertEquals(expectedRange(10, 29, true), c.removed);
        assertRemaining(z, 100, c.removed, true);
        Collector d = new Collector();
        assertEquals(5, z.removeRangeByLex(SkipList.LexRange.parse(b("-"), b("[m004")), d));
        assertEquals(expectedRange(0, 4, true), d.removed);
        assertEquals(0, z.removeRangeByLex(SkipList.LexRange.parse(b("(m050"), b("[m050")), null));
        assertEquals(0, z.removeRangeByLex(SkipList.LexRange.parse(b("[m060"), b("[m050")), null));
        Collector e = new Collector();
        assertEquals(10, z.removeRangeByLex(SkipList.LexRange.parse(b("(m089"), b("+")), e));
        assertEquals(expectedRange(90, 99, true), e.removed);
        List<E> gone = new ArrayList<>(c.removed);
        gone.addAll(d.removed);
        gone.addAll(e.removed);
        assertRemaining(z, 100, gone, true);
    }

    @Test
    void deleteRangeByRankReturnsRemovedMembers() {
        SortedSetIndex z = numbered(300, false);
        Collector c = new Collector();
        assertEquals(11, z.removeRangeByRank(100, 110, c));
        assertEquals(expectedRange(100, 110, false), c.removed);
        assertRemaining(z, 300, c.removed, false);
        Collector d = new Collector();
        assertEquals(1, z.removeRangeByRank(0, 0, d));
        assertEquals(expectedRange(0, 0, false), d.removed);
        Collector e = new Collector();
        long last = z.size() - 1;
        assertEquals(2, z.removeRangeByRank(last - 1, last, e));
        assertEquals(expectedRange(298, 299, false), e.removed);
        List<E> gone = new ArrayList<>(c.removed);
        gone.addAll(d.removed);
        gone.addAll(e.removed);
        assertRemaining(z, 300, gone, false);
        assertEquals(z.size(), z.removeRangeByRank(0, z.size() - 1, null));
        assertEquals(0, z.size());
        assertNull(z.list().check());
    }

    @Test
    void levelsFollowQuarterProbabilityAndCap() {
        SkipList list = new SkipList(new SplittableRandom(12));
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            list.insert(b(Integer.toString(i)), i);
        }
        int[] atLeast = new int[SkipList.MAX_LEVEL + 1];
        for (SkipList.Node x = list.first(); x != null; x = x.next()) {
            assertTrue(x.level() >= 1 && x.level() <= SkipList.MAX_LEVEL);
            for (int l = 1; l <= x.level(); l++) {
                atLeast[l]++;
            }
        }
        assertEquals(n, atLeast[1]);
        double p2 = atLeast[2] / (double) n;
        double p3 = atLeast[3] / (double) n;
        assertTrue(Math.abs(p2 - 0.25) < 0.01, "P(level>=2) " + p2);
        assertTrue(Math.abs(p3 - 0.0625) < 0.005, "P(level>=3) " + p3);
        assertNull(list.check());
        for (int i = 0; i < n; i += 997) {
            assertEquals(i, list.rank(b(Integer.toString(i)), i));
            assertEquals(Integer.toString(i), s(list.byRank(i).member()));
        }
        assertArrayEquals(b("99999"), list.last().member());
    }
}
