package io.cinnabar.server.persist;

/**
 * The footer of DUMP and FUNCTION DUMP payloads (cluster.c createDumpPayload / verifyDumpPayload): the RDB version
 * as two bytes little-endian, then the CRC-64 of everything before it as eight bytes little-endian.
 *
 * <p>Ported from Redis 7.0 (cluster.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
public final class DumpPayload {
    /** RDB_VERSION of Redis 7.0. */
    public static final int RDB_VERSION = 10;

    private DumpPayload() {
    }

    /** Appends the version and the checksum to the body in {@code out}; returns the finished payload. */
    public static byte[] finish(RdbOutput out) {
        out.writeLittleEndian(RDB_VERSION, 2);
        out.writeLittleEndian(Crc64.update(0, out.array(), 0, out.size()), 8);
        return out.toByteArray();
    }

    /** verifyDumpPayload: at least the footer, a version this server reads (10 or older) and a matching CRC. */
    public static boolean verify(byte[] p) {
        if (p.length < 10) {
            return false;
        }
        int footer = p.length - 10;
        int version = (p[footer] & 0xff) | (p[footer + 1] & 0xff) << 8;
        if (version > RDB_VERSION) {
            return false;
        }
        long crc = Crc64.update(0, p, 0, footer + 2);
        long stored = 0;
        for (int i = 7; i >= 0; i--) {
            stored = (stored << 8) | (p[footer + 2 + i] & 0xff);
        }
        return crc == stored;
    }
}
