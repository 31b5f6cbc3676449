package io.cinnabar.server.persist;

/**
 * The CRC-64 Redis puts at the end of RDB files and DUMP payloads (crc64.c: the Jones polynomial
 * 0xad93d23594c935a9, reflected, initial value 0, no final xor); crc64("123456789") is 0xe9c6d914c4b8d9ca.
 * Computed byte by byte from a table built once.
 *
 * <p>Ported from Redis 7.0 (crc64.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
public final class Crc64 {
    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;
    private static final long[] TABLE = new long[256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc64() {
    }

    /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }
}
