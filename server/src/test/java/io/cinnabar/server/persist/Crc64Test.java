package io.cinnabar.server.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Crc64Test {
    @Test
    void redisTestVector() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.update(0, b, 0, b.length));
    }

    /** The byte-at-a-time definition, to check the eight-bytes-a-step path against. */
    private static long slow(long crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x95ac9329ac4bc9b5L : crc >>> 1;
            }
        }
        return crc;
    }

    @Test
    void anyOffsetLengthAndSplitGivesTheSameCrc() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        byte[] b = new byte[300];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt();
        }
        for (int off = 0; off < 17; off++) {
            for (int len = 0; len + off <= b.length; len += 7) {
                int split = len / 3;
                long expected = slow(0, b, off, len);
                assertEquals(expected, Crc64.update(0, b, off, len));
                assertEquals(expected, Crc64.update(Crc64.update(0, b, off, split), b, off + split, len - split));
            }
        }
    }
}
