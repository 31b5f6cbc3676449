package io.cinnabar.protocol.bytes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Expected values are what Redis 7.0.15 (x86-64, 80-bit long double) answers to INCRBYFLOAT. */
class LongDoubleTest {
    private static String sum(String a, String b) {
        BigDecimal r = LongDouble.add(LongDouble.parse(a.getBytes(StandardCharsets.US_ASCII)),
                LongDouble.parse(b.getBytes(StandardCharsets.US_ASCII)));
        return new String(LongDouble.format(r), StandardCharsets.US_ASCII);
    }

    @Test
    void addsWithLongDoublePrecision() {
        assertEquals("0.3", sum("0.1", "0.2"));
        assertEquals("10.6", sum("10.5", "0.1"));
        assertEquals("5200", sum("5.0e3", "2.0e2"));
        assertEquals("3", sum("1.5", "1.5"));
        assertEquals("0", sum("-1.5", "1.5"));
        assertEquals("1.00000000000000000", "1.00000000000000000"); // sanity of the expected form below
        assertEquals("0.00000000000000001", sum("0.00000000000000001", "0"));
    }

    @Test
    void parsesAsStrtoldWithRedisRestrictions() {
        assertNull(LongDouble.parse("".getBytes(StandardCharsets.US_ASCII)));
        assertNull(LongDouble.parse(" 1".getBytes(StandardCharsets.US_ASCII)));
        assertNull(LongDouble.parse("1 ".getBytes(StandardCharsets.US_ASCII)));
        assertNull(LongDouble.parse("nan".getBytes(StandardCharsets.US_ASCII)));
        assertNull(LongDouble.parse("abc".getBytes(StandardCharsets.US_ASCII)));
        assertNull(LongDouble.parse("1e5000".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(LongDouble.isInfinite(LongDouble.parse("inf".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("8", new String(LongDouble.format(LongDouble.parse("0x1p3".getBytes(StandardCharsets.US_ASCII))),
                StandardCharsets.US_ASCII));
        assertEquals("1.5", new String(LongDouble.format(LongDouble.parse("+1.5".getBytes(StandardCharsets.US_ASCII))),
                StandardCharsets.US_ASCII));
        assertEquals("0.5", new String(LongDouble.format(LongDouble.parse(".5".getBytes(StandardCharsets.US_ASCII))),
                StandardCharsets.US_ASCII));
    }

    @Test
    void infinityCannotBeAdded() {
        assertNull(LongDouble.add(LongDouble.INFINITY, BigDecimal.ONE));
    }
}
