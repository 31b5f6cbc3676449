package io.cinnabar.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cinnabar.server.testing.ServerTest;
import org.junit.jupiter.api.Test;

/** DEBUG OBJECT's serializedlength, with the figures Redis 7.0.15 gave for the same values. */
class DebugObjectTest extends ServerTest {
    /** What Redis 7.0.15 reports for the 300 "key:N;" entries below. */
    private static final String REDIS_BIG = "1252";

    private String serializedLength(String value) {
        call("SET", "k", value);
        String reply = call("DEBUG", "OBJECT", "k");
        return reply.replaceAll("(?s).*serializedlength:(\\d+).*", "$1");
    }

    @Test
    void matchesRedisIncludingLzfCompression() {
        assertEquals("12", serializedLength("x".repeat(40)));
        assertEquals("37", serializedLength("abcdefghijklmnopqrstuvwxyz0123456789"));
        assertEquals("18", serializedLength("abc".repeat(100)));
        assertEquals("23", serializedLength("hello world hello world hello world hello world"));
        assertEquals("21", serializedLength("12345678901234567890123"));
        assertEquals("2", serializedLength("12"));
        assertEquals("4", serializedLength("bar"));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append("key:").append(i * 7919 % 1000).append(';');
        }
        assertEquals(REDIS_BIG, serializedLength(text.toString()));
    }
}
