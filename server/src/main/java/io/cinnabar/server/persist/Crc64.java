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
    /** Slicing-by-8 tables: T8[k][n] is the CRC of byte n followed by k zero bytes (as Redis's crcspeed). */
    private static final long[][] T8 = new long[8][256];
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            TABLE[i] = crc;
            T8[0][i] = crc;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                long prev = T8[k - 1][i];
                T8[k][i] = (prev >>> 8) ^ TABLE[(int) (prev & 0xff)];
            }
        }
    }

    private Crc64() {
    }

    /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        int end = off + len;
        long[] t0 = T8[0], t1 = T8[1], t2 = T8[2], t3 = T8[3], t4 = T8[4], t5 = T8[5], t6 = T8[6], t7 = T8[7];
        while (end - off >= 8) { // eight bytes a step, the table lookups independent of one another
            long x = crc ^ (long) LONG_LE.get(b, off);
            crc = t7[(int) (x & 0xff)] ^ t6[(int) ((x >>> 8) & 0xff)] ^ t5[(int) ((x >>> 16) & 0xff)]
                    ^ t4[(int) ((x >>> 24) & 0xff)] ^ t3[(int) ((x >>> 32) & 0xff)] ^ t2[(int) ((x >>> 40) & 0xff)]
                    ^ t1[(int) ((x >>> 48) & 0xff)] ^ t0[(int) (x >>> 56)];
            off += 8;
        }
        len = end - off;
        for (int i = off; i < off + len; i++) {
            crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }
}
