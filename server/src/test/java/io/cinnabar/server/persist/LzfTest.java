package io.cinnabar.server.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LzfTest {
    private static byte[] sample(Random random, int length) {
        byte[] b = new byte[length];
        switch (random.nextInt(3)) {
            case 0 -> random.nextBytes(b); // incompressible
            case 1 -> { // a few distinct bytes: long matches
                for (int i = 0; i < length; i++) {
                    b[i] = (byte) ('a' + random.nextInt(3));
                }
            }
            default -> { // text-like repeats with variations, as listpack nodes of similar elements
                StringBuilder sb = new StringBuilder();
                while (sb.length() < length) {
                    sb.append("element:").append(random.nextInt(100000)).append('\u0001');
                }
                System.arraycopy(sb.toString().getBytes(StandardCharsets.ISO_8859_1), 0, b, 0, length);
            }
        }
        return b;
    }

    @Test
    void decompressGivesBackWhatCompressTook() {
        Random random = new Random(7);
        Lzf.Compressor reused = new Lzf.Compressor();
        for (int round = 0; round < 2000; round++) {
            int length = 1 + random.nextInt(random.nextBoolean() ? 100 : 20000);
            byte[] in = sample(random, length);
            byte[] out = new byte[length + 64];
            int n = Lzf.compress(in, length, out);
            byte[] viaReused = new byte[length + 64];
            // the reused table (stale entries from earlier rounds) must compress exactly as a zeroed one
            assertEquals(n, reused.compress(in, length, viaReused, viaReused.length));
            assertArrayEquals(Arrays.copyOf(out, n), Arrays.copyOf(viaReused, n));
            if (n > 0) {
                byte[] back = new byte[length];
                assertEquals(length, Lzf.decompress(out, n, back, length));
                assertArrayEquals(in, back);
                if (length > 1) {
                    assertEquals(0, Lzf.decompress(out, n, new byte[length - 1], length - 1), "too small an output");
                }
            }
        }
    }

    @Test
    void compressGivesUpWhenTheOutputDoesNotFit() {
        byte[] random = new byte[1000];
        new Random(3).nextBytes(random);
        assertEquals(0, Lzf.compress(random, random.length, new byte[random.length - 4]));
        byte[] xs = "x".repeat(40).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[36];
        int n = Lzf.compress(xs, xs.length, out);
        assertEquals(9, n); // DEBUG OBJECT's serializedlength 12 for it in Redis 7.0.15 is 3 bytes of lengths plus 9
    }

    @Test
    void corruptInputIsRefused() {
        assertEquals(0, Lzf.decompress(new byte[] {(byte) 0x20, 0}, 2, new byte[10], 10)); // reference before start
        assertEquals(0, Lzf.decompress(new byte[] {5, 'a'}, 2, new byte[10], 10)); // literal run past the input
        assertEquals(0, Lzf.decompress(new byte[] {(byte) 0xe0}, 1, new byte[10], 10)); // truncated reference
        assertTrue(Lzf.decompress(new byte[] {0, 'a', 0x20, 0}, 4, new byte[10], 10) == 4); // "a" then 3 copies
    }
}
