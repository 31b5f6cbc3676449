package io.cinnabar.protocol.bytes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GlobTest {
    private static boolean m(String pattern, String s) {
        return Glob.matches(pattern.getBytes(StandardCharsets.ISO_8859_1), s.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    @Test
    void matchesLikeStringmatchlen() {
        assertFalse(m("*", "")); // as Redis: the loop never runs for an empty string (KEYS * short-cuts)
        assertTrue(m("h?llo", "hello"));
        assertTrue(m("h*llo", "heeeello"));
        assertTrue(m("h[ae]llo", "hallo"));
        assertFalse(m("h[ae]llo", "hillo"));
        assertTrue(m("h[^e]llo", "hallo"));
        assertFalse(m("h[^e]llo", "hello"));
        assertTrue(m("h[a-b]llo", "hbllo"));
        assertTrue(m("h[b-a]llo", "hallo"));
        assertTrue(m("h\\*llo", "h*llo"));
        assertFalse(m("h\\*llo", "hallo"));
        assertTrue(m("a*", "a"));
        assertTrue(m("a**", "a"));
        assertFalse(m("a?", "a"));
        assertFalse(m("[", "[")); // an unclosed class matches nothing, as in Redis
        assertTrue(m("[[]", "["));
        assertTrue(m("key:*:x", "key:1:x"));
        assertTrue(Glob.matches("HeLLo".getBytes(StandardCharsets.US_ASCII), "hello".getBytes(StandardCharsets.US_ASCII), true));
    }

    @Test
    void pathologicalPatternsFinishQuickly() {
        String pattern = "a*".repeat(30) + "b";
        assertFalse(m(pattern, "a".repeat(60)));
    }
}
