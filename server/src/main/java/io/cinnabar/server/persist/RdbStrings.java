package io.cinnabar.server.persist;

import io.cinnabar.protocol.bytes.Numbers;
import java.io.ByteArrayOutputStream;

/**
 * RDB lengths and strings as rdb.c writes and reads them (rdbSaveLen, rdbSaveRawString, rdbGenericLoadStringObject):
 * the smallest length form, small canonical integers as INT8/16/32, strings over 20 bytes LZF-compressed when that
 * saves at least 4 bytes and rdbcompression is on.
 *
 * <p>Ported from Redis 7.0 (rdb.c), Copyright (c) 2006-2022 Salvatore Sanfilippo and Redis Ltd., BSD-3-Clause;
 * see NOTICE.
 */
public final class RdbStrings {
    private static final int ENC_INT8 = 0;
    private static final int ENC_INT16 = 1;
    private static final int ENC_INT32 = 2;
    private static final int ENC_LZF = 3;

    private RdbStrings() {
    }

    /** rdbSaveLen. */
    public static void writeLength(ByteArrayOutputStream out, long len) {
        if (len < (1 << 6)) {
            out.write((int) len);
        } else if (len < (1 << 14)) {
            out.write((int) (0x40 | (len >>> 8)));
            out.write((int) (len & 0xff));
        } else if (len <= 0xffffffffL) {
            out.write(0x80);
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (len >>> shift) & 0xff);
            }
        } else {
            out.write(0x81);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (len >>> shift) & 0xff);
            }
        }
    }

    /** rdbSaveRawString. */
    public static void write(ByteArrayOutputStream out, byte[] s, boolean compress) {
        if (s.length <= 11 && writeInteger(out, s)) {
            return;
        }
        if (compress && s.length > 20) {
            byte[] packed = new byte[s.length - 4];
            int n = Lzf.compress(s, s.length, packed);
            if (n > 0) {
                out.write(0xc0 | ENC_LZF);
                writeLength(out, n);
                writeLength(out, s.length);
                out.write(packed, 0, n);
                return;
            }
        }
        writeLength(out, s.length);
        out.write(s, 0, s.length);
    }

    /** rdbTryIntegerEncoding: only a canonical decimal that fits 32 bits, which reads back as the same bytes. */
    private static boolean writeInteger(ByteArrayOutputStream out, byte[] s) {
        if (s.length == 0 || !Numbers.isLong(s)) {
            return false;
        }
        long v = Numbers.parseLong(s);
        if (!java.util.Arrays.equals(Numbers.toNewBytes(v), s)) {
            return false;
        }
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            out.write(0xc0 | ENC_INT8);
            out.write((int) v & 0xff);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            out.write(0xc0 | ENC_INT16);
            out.write((int) v & 0xff);
            out.write((int) (v >>> 8) & 0xff);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write(0xc0 | ENC_INT32);
            for (int i = 0; i < 4; i++) {
                out.write((int) (v >>> (8 * i)) & 0xff);
            }
        } else {
            return false;
        }
        return true;
    }

    /** A reader over a payload; methods return null or -1 where rdb.c's loaders fail. */
    public static final class Reader {
        private final byte[] in;
        private int pos;
        private final int end;

        public Reader(byte[] in, int pos, int end) {
            this.in = in;
            this.pos = pos;
            this.end = end;
        }

        public int position() {
            return pos;
        }

        /** rdbLoadType: one byte, or -1 at the end. */
        public int readType() {
            return pos < end ? in[pos++] & 0xff : -1;
        }

        /** rdbLoadLenByRef without the encoded forms: the length, or -1. */
        public long readLength() {
            long[] encoded = new long[1];
            long len = readLength(encoded);
            return encoded[0] != 0 ? -1 : len;
        }

        /** The length (or, with {@code encoded[0]} set to 1, the special encoding number), or -1. */
        private long readLength(long[] encoded) {
            if (pos >= end) {
                return -1;
            }
            int b = in[pos++] & 0xff;
            int type = b >>> 6;
            if (type == 3) {
                encoded[0] = 1;
                return b & 0x3f;
            }
            if (type == 0) {
                return b & 0x3f;
            }
            if (type == 1) {
                if (pos >= end) {
                    return -1;
                }
                return ((long) (b & 0x3f) << 8) | (in[pos++] & 0xff);
            }
            int bytes = b == 0x80 ? 4 : b == 0x81 ? 8 : -1;
            if (bytes < 0 || pos + bytes > end) {
                return -1;
            }
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = (v << 8) | (in[pos++] & 0xff);
            }
            return v;
        }

        /** rdbGenericLoadStringObject: the string's bytes, or null. */
        public byte[] readString() {
            long[] encoded = new long[1];
            long len = readLength(encoded);
            if (len < 0) {
                return null;
            }
            if (encoded[0] != 0) {
                switch ((int) len) {
                    case ENC_INT8:
                        return pos + 1 <= end ? Numbers.toNewBytes(in[pos++]) : null;
                    case ENC_INT16:
                        if (pos + 2 > end) {
                            return null;
                        }
                        short s16 = (short) ((in[pos] & 0xff) | (in[pos + 1] << 8));
                        pos += 2;
                        return Numbers.toNewBytes(s16);
                    case ENC_INT32:
                        if (pos + 4 > end) {
                            return null;
                        }
                        int s32 = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16
                                | in[pos + 3] << 24;
                        pos += 4;
                        return Numbers.toNewBytes(s32);
                    case ENC_LZF: {
                        long clen = readLength();
                        long ulen = readLength();
                        if (clen < 0 || ulen < 0 || pos + clen > end || ulen > Integer.MAX_VALUE - 8) {
                            return null;
                        }
                        byte[] out = new byte[(int) ulen];
                        if (!Lzf.decompress(in, pos, (int) clen, out)) {
                            return null;
                        }
                        pos += (int) clen;
                        return out;
                    }
                    default:
                        return null;
                }
            }
            if (pos + len > end) {
                return null;
            }
            byte[] out = java.util.Arrays.copyOfRange(in, pos, pos + (int) len);
            pos += (int) len;
            return out;
        }
    }
}
