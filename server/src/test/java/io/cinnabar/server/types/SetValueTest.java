package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SetValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static List<String> members(SetValue set) {
        List<String> out = new ArrayList<>();
        set.forEach(m -> out.add(s(m)));
        return out;
    }

    @Test
    void staysAnIntsetUntilTooManyMembersOrANonIntegerThenNeverGoesBack() {
        SetValue set = SetValue.createFor(b("1"));
        for (int i = 3; i >= 1; i--) {
            assertTrue(set.add(b(Integer.toString(i)), 3));
        }
        assertEquals("intset", set.encoding());
        assertEquals(List.of("1", "2", "3"), members(set));
        assertFalse(set.add(b("2"), 3));
        assertTrue(set.add(b("4"), 3));
        assertEquals("hashtable", set.encoding());
        for (int i = 1; i <= 4; i++) {
            assertTrue(set.remove(b(Integer.toString(i))));
        }
        assertEquals(0, set.size());
        assertEquals("hashtable", set.encoding());

        SetValue mixed = SetValue.createFor(b("5"));
        mixed.add(b("5"), 512);
        mixed.add(b("x"), 512);
        assertEquals("hashtable", mixed.encoding());
        assertTrue(mixed.contains(b("5")));
        assertEquals("hashtable", SetValue.createFor(b("x")).encoding());
    }

    @Test
    void onlyString2llIntegersGoIntoTheIntset() {
        for (String notInt : new String[] {"007", "-0", "1e3", "9223372036854775808", " 1", "+1", "", "1.0"}) {
            SetValue set = new SetValue();
            set.add(b("1"), 512);
            set.add(b(notInt), 512);
            assertEquals("hashtable", set.encoding(), notInt);
            assertTrue(set.contains(b(notInt)), notInt);
        }
        SetValue ints = new SetValue();
        for (String n : new String[] {"-9223372036854775808", "9223372036854775807", "0", "-1", "70000"}) {
            assertTrue(ints.add(b(n), 512));
        }
        assertEquals("intset", ints.encoding());
        assertEquals(List.of("-9223372036854775808", "-1", "0", "70000", "9223372036854775807"), members(ints));
        assertFalse(ints.contains(b("-0")));
        assertFalse(ints.contains(b("00")));
        assertFalse(ints.remove(b("x")));
    }

    @Test
    void digestsEqualRedis() {
        // DEBUG DIGEST-VALUE on Redis 7.0.15 after SADD s 1 2 3 and SADD h a b
        SetValue s = new SetValue();
        for (String m : new String[] {"1", "2", "3"}) {
            s.add(b(m), 512);
        }
        Digest d = new Digest();
        s.digest(d);
        assertEquals("2a462a3f51a1db89738ebbeef0c47ce1bbc85246", d.hex());
        SetValue h = SetValue.createFor(b("a"));
        h.add(b("a"), 512);
        h.add(b("b"), 512);
        Digest d2 = new Digest();
        h.digest(d2);
        assertEquals("dd99329063ca0f1f28df2ac68d94b82fd95501c6", d2.hex());
    }

    @Test
    void aCopyIsIndependentInBothEncodings() {
        for (int n : new int[] {3, 600}) {
            SetValue set = new SetValue();
            for (int i = 0; i < n; i++) {
                set.add(b(Integer.toString(i)), 512);
            }
            SetValue copy = set.copy();
            copy.remove(b("0"));
            copy.add(b("x"), 512);
            assertTrue(set.contains(b("0")));
            assertFalse(set.contains(b("x")));
            assertEquals(n, set.size());
            assertEquals(n, copy.size());
            assertEquals(n == 3 ? "intset" : "hashtable", set.encoding());
        }
    }

    @Test
    void scanningATableReturnsEveryMemberAndAnIntsetAnswersWhole() {
        SetValue small = new SetValue();
        for (int i = 0; i < 5; i++) {
            small.add(b(Integer.toString(i)), 512);
        }
        Set<String> seen = new HashSet<>();
        assertEquals(0, small.scan(0, 1, m -> seen.add(s(m))));
        assertEquals(5, seen.size());
        SetValue big = SetValue.createFor(b("m"));
        for (int i = 0; i < 1000; i++) {
            big.add(b("m" + i), 512);
        }
        Set<String> all = new HashSet<>();
        long cursor = 0;
        do {
            cursor = big.scan(cursor, 10, m -> all.add(s(m)));
        } while (cursor != 0);
        assertEquals(1000, all.size());
    }

    @Test
    void behavesAsAHashSetUnderRandomOperations() {
        Random random = new Random(11);
        SplittableRandom picks = new SplittableRandom(3);
        for (int round = 0; round < 20; round++) {
            SetValue set = new SetValue();
            Set<String> model = new HashSet<>();
            boolean strings = round % 2 == 1;
            for (int i = 0; i < 5000; i++) {
                String m = strings && random.nextInt(50) == 0 ? "s" + random.nextInt(100)
                        : Integer.toString(random.nextInt(400) - 200);
                int op = random.nextInt(10);
                if (op < 4) {
                    assertEquals(model.remove(m), set.remove(b(m)));
                } else if (op < 9) {
                    assertEquals(model.add(m), set.add(b(m), 128));
                } else if (!model.isEmpty()) {
                    String popped = s(set.pop(picks));
                    assertTrue(model.remove(popped), popped);
                }
                assertEquals(model.size(), set.size());
                assertEquals(model.contains(m), set.contains(b(m)));
                if (model.size() > 128 || model.stream().anyMatch(x -> x.startsWith("s"))) {
                    assertEquals("hashtable", set.encoding());
                }
            }
            assertEquals(model, new HashSet<>(members(set)));
            if (!model.isEmpty()) {
                assertTrue(model.contains(s(set.random(picks))));
            }
            if (set.isIntset()) {
                List<String> order = members(set);
                List<Long> sorted = new ArrayList<>();
                order.forEach(x -> sorted.add(Long.parseLong(x)));
                List<Long> copy = new ArrayList<>(sorted);
                copy.sort(null);
                assertEquals(copy, sorted);
            } else {
                assertNull(set.intsetBytes());
            }
        }
    }
}
