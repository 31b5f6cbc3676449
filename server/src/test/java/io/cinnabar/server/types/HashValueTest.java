package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HashValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static HashValue of(int fields) {
        HashValue h = new HashValue();
        for (int i = 0; i < fields; i++) {
            h.set(b("f" + i), b("v" + i), 512);
        }
        return h;
    }

    @Test
    void staysAListpackUntilTooManyFieldsThenNeverGoesBack() {
        HashValue h = new HashValue();
        for (int i = 0; i < 3; i++) {
            assertTrue(h.set(b("f" + i), b(Integer.toString(i)), 3));
        }
        assertEquals("listpack", h.encoding());
        assertTrue(h.set(b("f3"), b("3"), 3));
        assertEquals("hashtable", h.encoding());
        for (int i = 0; i < 4; i++) {
            assertTrue(h.delete(b("f" + i)));
        }
        assertEquals(0, h.size());
        assertEquals("hashtable", h.encoding());
    }

    @Test
    void aLongFieldOrValueConvertsBeforeItIsStored() {
        HashValue h = new HashValue();
        byte[] longValue = new byte[65];
        h.makeRoomFor(b("f"), 64);
        assertEquals("listpack", h.encoding());
        h.makeRoomFor(longValue, 64);
        assertEquals("hashtable", h.encoding());
        h.set(b("f"), longValue, 512);
        assertArrayEquals(longValue, h.get(b("f")));
    }

    @Test
    void integersComeBackAsTheirDigitsAndReplacingKeepsTheOrder() {
        HashValue h = new HashValue();
        h.set(b("z"), b("1"), 512);
        h.set(b("a"), b("-20"), 512);
        assertFalse(h.set(b("z"), b("0123"), 512));
        StringBuilder order = new StringBuilder();
        h.forEach((f, v) -> order.append(new String(f, StandardCharsets.UTF_8)).append('=')
                .append(new String(v, StandardCharsets.UTF_8)).append(' '));
        assertEquals("z=0123 a=-20 ", order.toString());
        assertNull(h.get(b("nosuch")));
        assertFalse(h.delete(b("nosuch")));
    }

    @Test
    void aCopyIsIndependentInBothEncodings() {
        for (int fields : new int[] {3, 600}) {
            HashValue h = of(fields);
            HashValue copy = h.copy();
            copy.set(b("f0"), b("changed"), 512);
            copy.delete(b("f1"));
            assertArrayEquals(b("v0"), h.get(b("f0")));
            assertArrayEquals(b("v1"), h.get(b("f1")));
            assertEquals(h.encoding(), copy.encoding());
            assertEquals(fields - 1, copy.size());
        }
    }

    @Test
    void scanningATableReturnsEveryFieldAndAListpackAnswersWhole() {
        HashValue small = of(5);
        Set<String> seen = new HashSet<>();
        assertEquals(0, small.scan(0, 1, (f, v) -> seen.add(new String(f, StandardCharsets.UTF_8))));
        assertEquals(5, seen.size());
        HashValue big = of(1000);
        Map<String, String> all = new HashMap<>();
        long cursor = 0;
        do {
            cursor = big.scan(cursor, 10, (f, v) -> all.put(new String(f, StandardCharsets.UTF_8),
                    new String(v, StandardCharsets.UTF_8)));
        } while (cursor != 0);
        assertEquals(1000, all.size());
        assertEquals("v999", all.get("f999"));
    }

    @Test
    void behavesAsAMapUnderRandomOperations() {
        Random random = new Random(7);
        HashValue h = new HashValue();
        Map<String, String> model = new HashMap<>();
        for (int i = 0; i < 20000; i++) {
            String f = "f" + random.nextInt(300);
            if (random.nextInt(3) == 0) {
                assertEquals(model.remove(f) != null, h.delete(b(f)));
            } else {
                String v = random.nextInt(10) == 0 ? "x".repeat(70) : Integer.toString(random.nextInt(1000));
                h.makeRoomFor(b(v), 64);
                assertEquals(!model.containsKey(f), h.set(b(f), b(v), 128));
                model.put(f, v);
            }
            assertEquals(model.size(), h.size());
        }
        for (Map.Entry<String, String> e : model.entrySet()) {
            assertArrayEquals(b(e.getValue()), h.get(b(e.getKey())));
        }
        byte[][] pair = h.random(new SplittableRandom(1));
        assertEquals(model.get(new String(pair[0], StandardCharsets.UTF_8)), new String(pair[1], StandardCharsets.UTF_8));
    }
}
