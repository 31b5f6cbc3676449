package io.cinnabar.protocol.bytes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DoubleFormatTest {
    @Test
    void matchesCPrintfPercent17g() {
        assertEquals("1.1000000000000001", DoubleFormat.formatG(1.1, 17));
        assertEquals("3.141", DoubleFormat.formatG(3.141, 17));
        assertEquals("0.10000000000000001", DoubleFormat.formatG(0.1, 17));
        assertEquals("1e+20", DoubleFormat.formatG(1e20, 17));
        assertEquals("1.0000000000000001e-05", DoubleFormat.formatG(1e-5, 17));
        assertEquals("0.0001", DoubleFormat.formatG(1e-4, 17));
        assertEquals("-2.5", DoubleFormat.formatG(-2.5, 17));
        assertEquals("100", DoubleFormat.formatG(100, 17));
        assertEquals("10000000000000000", DoubleFormat.formatG(1e16, 17));
        assertEquals("1e+17", DoubleFormat.formatG(1e17, 17));
        assertEquals("12345678901234568", DoubleFormat.formatG(12345678901234567d, 17));
        assertEquals("1.7976931348623157e+308", DoubleFormat.formatG(Double.MAX_VALUE, 17));
        assertEquals("inf", DoubleFormat.formatG(Double.POSITIVE_INFINITY, 17));
        assertEquals("-inf", DoubleFormat.formatG(Double.NEGATIVE_INFINITY, 17));
        assertEquals("-0", DoubleFormat.formatG(-0.0, 17));
    }

    @Test
    void matchesCLuaPercent14g() {
        assertEquals("3.3333333333333", DoubleFormat.formatG(10.0 / 3, 14));
        assertEquals("1e+15", DoubleFormat.formatG(1e15, 14));
        assertEquals("1e+14", DoubleFormat.formatG(1e14, 14));
        assertEquals("10000000000000", DoubleFormat.formatG(1e13, 14));
        assertEquals("0.1", DoubleFormat.formatG(0.1, 14));
    }
}
