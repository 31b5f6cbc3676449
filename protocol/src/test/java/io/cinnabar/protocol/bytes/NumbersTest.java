package io.cinnabar.protocol.bytes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NumbersTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void parsesCanonicalIntegersOnly() {
        assertEquals(0, Numbers.parseLong(b("0")));
        assertEquals(-12, Numbers.parseLong(b("-12")));
        assertEquals(Long.MAX_VALUE, Numbers.parseLong(b("9223372036854775807")));
        assertTrue(Numbers.isLong(b("-9223372036854775808")));
        for (String bad : new String[] {"", "+1", "01", "-0", " 1", "1 ", "1.0", "-", "9223372036854775808",
            "-9223372036854775809", "123456789012345678901", "0x10"}) {
            assertFalse(Numbers.isLong(b(bad)), bad);
        }
    }

    @Test
    void formatsWithoutAllocatingBeyondTheBuffer() {
        ByteBuf buf = Unpooled.buffer();
        for (long v : new long[] {0, 7, 9999, 10000, -1, -10000, Long.MAX_VALUE, Long.MIN_VALUE}) {
            buf.clear();
            Numbers.write(buf, v);
            assertEquals(Long.toString(v), buf.toString(StandardCharsets.US_ASCII));
            assertEquals(Long.toString(v), new String(Numbers.toNewBytes(v), StandardCharsets.US_ASCII));
            assertEquals(Long.toString(v).length(), Numbers.digits(v));
        }
        buf.release();
    }
}
