package io.cinnabar.server.persist;

/**
 * The packed encodings Redis 7.0 no longer keeps but still loads: the ziplist (lists, hashes and sorted sets before
 * 7.0, quicklist nodes 3.2 to 6.2) and the zipmap (hashes before 2.6). Both are always checked entry by entry on
 * the way in, as Redis's loader does (it converts them, so it walks them anyway): the header, every entry's
 * encoding and bounds, the ziplist's prevlen chain, tail offset and count, the zipmap's count.
 *
 * <p>Ported from Redis 7.0's ziplist.c (ziplistValidateIntegrity, zipEntrySafe, zipEncodingLenSize; Copyright (c)
 * 2009-2012 Pieter Noordhuis, Salvatore Sanfilippo, (c) 2020 Redis Labs) and zipmap.c (zipmapValidateIntegrity,
 * zipmapNext; Copyright (c) 2009-2010 Salvatore Sanfilippo), BSD-3-Clause; see NOTICE. Failures throw
 * {@link IllegalArgumentException}, which the caller turns into an {@link RdbFormatException}.
 */
final class OldEncodings {
    private static final int ZIPLIST_HEADER = 10;
    private static final int ZIP_END = 0xff;
    private static final int ZIP_BIG_PREVLEN = 254;
    private static final int ZIP_STR_06B = 0x00;
    private static final int ZIP_STR_14B = 0x40;
    private static final int ZIP_STR_32B = 0x80;
    private static final int ZIP_INT_16B = 0xc0;
    private static final int ZIP_INT_32B = 0xd0;
    private static final int ZIP_INT_64B = 0xe0;
    private static final int ZIP_INT_24B = 0xf0;
    private static final int ZIP_INT_8B = 0xfe;
    private static final int ZIP_INT_IMM_MIN = 0xf1;
    private static final int ZIP_INT_IMM_MAX = 0xfd;
    private static final int ZIPMAP_BIGLEN = 254;
    private static final int ZIPMAP_END = 255;

    private OldEncodings() {
    }

    /** Receives ziplist entries in order: strings as a slice of the blob, integers as their value. */
    interface EntrySink {
        void string(byte[] b, int off, int len);

        void integer(long v);
    }

    /** Receives zipmap pairs: field and value as slices of the blob. */
    interface PairSink {
        void pair(byte[] f, int fieldOff, int fieldLen, byte[] v, int valueOff, int valueLen);
    }

    private static IllegalArgumentException corrupt(String what) {
        return new IllegalArgumentException("corrupt ziplist: " + what);
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /** ziplistValidateIntegrity with deep checking, handing each entry to {@code sink} as it is proven sound. */
    static void ziplistEntries(byte[] zl, EntrySink sink) {
        int size = zl.length;
        if (size < ZIPLIST_HEADER + 1) {
            throw corrupt("shorter than its header");
        }
        if (u32(zl, 0) != size) {
            throw corrupt("zlbytes does not match the blob");
        }
        if ((zl[size - 1] & 0xff) != ZIP_END) {
            throw corrupt("no end marker");
        }
        long tail = u32(zl, 4);
        if (tail > size - 1) {
            throw corrupt("tail offset out of range");
        }
        int headerCount = (zl[8] & 0xff) | (zl[9] & 0xff) << 8;
        int last = size - 1; // zllast: the end marker
        int p = ZIPLIST_HEADER;
        int prev = -1;
        long prevRawSize = 0;
        int count = 0;
        while ((zl[p] & 0xff) != ZIP_END) {
            // zipEntrySafe: every header byte is checked to lie before the end marker before it is read
            int prevLenSize = (zl[p] & 0xff) < ZIP_BIG_PREVLEN ? 1 : 5;
            if (p + prevLenSize > last) {
                throw corrupt("prevlen runs past the end");
            }
            long prevLen = prevLenSize == 1 ? zl[p] & 0xff : u32(zl, p + 1);
            int e = p + prevLenSize;
            int encoding = zl[e] & 0xff;
            if (encoding < 0xc0) {
                encoding &= 0xc0;
            }
            int lenSize = encodingLenSize(encoding);
            if (lenSize < 0) {
                throw corrupt("invalid encoding");
            }
            if ((long) e + lenSize > last) {
                throw corrupt("entry header runs past the end");
            }
            long len;
            switch (encoding) {
                case ZIP_STR_06B:
                    len = zl[e] & 0x3f;
                    break;
                case ZIP_STR_14B:
                    len = (zl[e] & 0x3f) << 8 | (zl[e + 1] & 0xff);
                    break;
                case ZIP_STR_32B:
                    len = (zl[e + 1] & 0xffL) << 24 | (zl[e + 2] & 0xffL) << 16 | (zl[e + 3] & 0xffL) << 8
                            | (zl[e + 4] & 0xffL);
                    break;
                case ZIP_INT_8B:
                    len = 1;
                    break;
                case ZIP_INT_16B:
                    len = 2;
                    break;
                case ZIP_INT_24B:
                    len = 3;
                    break;
                case ZIP_INT_32B:
                    len = 4;
                    break;
                case ZIP_INT_64B:
                    len = 8;
                    break;
                default:
                    len = 0; // immediate 4-bit integer
                    break;
            }
            long headerSize = prevLenSize + lenSize;
            if (p + headerSize + len > last) {
                throw corrupt("entry runs past the end");
            }
            if (p - prevLen < ZIPLIST_HEADER) {
                throw corrupt("prevlen points before the first entry");
            }
            if (prevLen != prevRawSize) {
                throw corrupt("prevlen does not match the previous entry");
            }
            int data = (int) (p + headerSize);
            if (encoding == ZIP_STR_06B || encoding == ZIP_STR_14B || encoding == ZIP_STR_32B) {
                sink.string(zl, data, (int) len);
            } else {
                sink.integer(integer(zl, encoding, data));
            }
            prevRawSize = headerSize + len;
            prev = p;
            p = (int) (p + headerSize + len);
            count++;
        }
        if (p != size - 1) {
            throw corrupt("entries do not end at the end marker");
        }
        if (prev >= 0 && prev != tail) {
            throw corrupt("tail offset is not the last entry");
        }
        if (headerCount != 0xffff && count != headerCount) {
            throw corrupt("header count does not match the entries");
        }
    }

    /** zipEncodingLenSize: bytes of the encoding header, or -1 for an invalid encoding. */
    private static int encodingLenSize(int encoding) {
        if (encoding == ZIP_INT_16B || encoding == ZIP_INT_32B || encoding == ZIP_INT_24B
                || encoding == ZIP_INT_64B || encoding == ZIP_INT_8B) {
            return 1;
        }
        if (encoding >= ZIP_INT_IMM_MIN && encoding <= ZIP_INT_IMM_MAX) {
            return 1;
        }
        if (encoding == ZIP_STR_06B) {
            return 1;
        }
        if (encoding == ZIP_STR_14B) {
            return 2;
        }
        if (encoding == ZIP_STR_32B) {
            return 5;
        }
        return -1;
    }

    /** zipLoadInteger: the signed little-endian value of an integer entry. */
    private static long integer(byte[] b, int encoding, int at) {
        switch (encoding) {
            case ZIP_INT_8B:
                return b[at];
            case ZIP_INT_16B:
                return (short) ((b[at] & 0xff) | (b[at + 1] & 0xff) << 8);
            case ZIP_INT_24B:
                return ((b[at] & 0xff) << 8 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 24) >> 8;
            case ZIP_INT_32B:
                return (int) u32(b, at);
            case ZIP_INT_64B:
                return (u32(b, at) & 0xffffffffL) | u32(b, at + 4) << 32;
            default:
                return (encoding & 0x0f) - 1;
        }
    }

    /** zipmapValidateIntegrity with deep checking, then zipmapNext over the pairs. */
    static void zipmapPairs(byte[] zm, PairSink sink) {
        int size = zm.length;
        if (size < 2) {
            throw new IllegalArgumentException("corrupt zipmap: too short");
        }
        if ((zm[size - 1] & 0xff) != ZIPMAP_END) {
            throw new IllegalArgumentException("corrupt zipmap: no end marker");
        }
        long p = 1;
        int count = 0;
        while ((zm[(int) p] & 0xff) != ZIPMAP_END) {
            int s = (zm[(int) p] & 0xff) < ZIPMAP_BIGLEN ? 1 : 5;
            zipmapInRange(p + s, size);
            long fieldLen = zipmapLength(zm, (int) p);
            long field = p + s;
            p = field + fieldLen;
            zipmapInRange(p, size);
            s = (zm[(int) p] & 0xff) < ZIPMAP_BIGLEN ? 1 : 5;
            zipmapInRange(p + s, size);
            long valueLen = zipmapLength(zm, (int) p);
            p += s;
            int free = zm[(int) p++] & 0xff;
            p += valueLen + free;
            count++;
            zipmapInRange(p, size);
        }
        if (count == 0) {
            throw new IllegalArgumentException("corrupt zipmap: empty");
        }
        if ((zm[0] & 0xff) != ZIPMAP_BIGLEN && (zm[0] & 0xff) != count) {
            throw new IllegalArgumentException("corrupt zipmap: count does not match");
        }
        // proven sound: hand the pairs out
        int q = 1;
        while ((zm[q] & 0xff) != ZIPMAP_END) {
            int s = (zm[q] & 0xff) < ZIPMAP_BIGLEN ? 1 : 5;
            int fieldLen = (int) zipmapLength(zm, q);
            int field = q + s;
            q = field + fieldLen;
            s = (zm[q] & 0xff) < ZIPMAP_BIGLEN ? 1 : 5;
            int valueLen = (int) zipmapLength(zm, q);
            q += s;
            int free = zm[q++] & 0xff;
            sink.pair(zm, field, fieldLen, zm, q, valueLen);
            q += valueLen + free;
        }
    }

    /** zipmap's OUT_OF_RANGE: before the first entry or past the end marker. */
    private static void zipmapInRange(long p, int size) {
        if (p < 2 || p > size - 1) {
            throw new IllegalArgumentException("corrupt zipmap: entry runs past the end");
        }
    }

    /** zipmapDecodeLength: one byte below 254, else 254 and a 32-bit length (host order: little-endian). */
    private static long zipmapLength(byte[] zm, int p) {
        int b = zm[p] & 0xff;
        return b < ZIPMAP_BIGLEN ? b : u32(zm, p + 1);
    }
}
