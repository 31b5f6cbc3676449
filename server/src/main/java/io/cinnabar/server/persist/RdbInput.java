package io.cinnabar.server.persist;

import io.cinnabar.protocol.bytes.Numbers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads RDB data with rdb.c's primitives (rdbLoadType, rdbLoadLen, rdbGenericLoadStringObject, the double and time
 * loaders) from a whole payload (DUMP, FUNCTION DUMP) or from a stream read in chunks (a file), keeping the offset
 * for error messages and, for files, the running CRC-64 of everything read. Every malformed or truncated read throws
 * {@link RdbFormatException} naming what was wrong and where. Not thread-safe.
 */
public final class RdbInput {
    private static final int ENC_INT8 = 0;
    private static final int ENC_INT16 = 1;
    private static final int ENC_INT32 = 2;
    private static final int ENC_LZF = 3;
    private static final int CHUNK = 1 << 16;

    private final InputStream stream;
    private byte[] buf;
    private int pos;
    private int end;
    /** Offset in the whole input of buf[0]. */
    private long base;
    private long crc;
    /** buf index up to which {@link #crc} covers. */
    private int crcPos;
    private boolean eof;

    /** Over {@code len} bytes of {@code payload} from {@code off}; offsets count from {@code off}. */
    public RdbInput(byte[] payload, int off, int len) {
        this.stream = null;
        this.buf = payload;
        this.pos = off;
        this.end = off + len;
        this.base = -off;
        this.crcPos = off;
        this.eof = true;
    }

    /** Over a stream (a file), read in 64 KB chunks. The caller closes the stream. */
    public RdbInput(InputStream stream) {
        this.stream = stream;
        this.buf = new byte[CHUNK];
    }

    /** Offset of the next byte to read. */
    public long offset() {
        return base + pos;
    }

    /** CRC-64 of every byte read so far. */
    public long checksum() {
        crc = Crc64.update(crc, buf, crcPos, pos - crcPos);
        crcPos = pos;
        return crc;
    }

    public RdbFormatException error(String what) {
        return new RdbFormatException(what, offset());
    }

    /** True when no byte is left. */
    public boolean atEnd() throws IOException {
        return pos >= end && !fill(1);
    }

    /** Makes at least {@code n} bytes available from pos, or returns false at the end of the input. */
    private boolean fill(int n) throws IOException {
        if (end - pos >= n) {
            return true;
        }
        if (eof) {
            return false;
        }
        checksum();
        int left = end - pos;
        if (buf.length < n) {
            byte[] bigger = new byte[Math.max(n, CHUNK)];
            System.arraycopy(buf, pos, bigger, 0, left);
            buf = bigger;
        } else {
            System.arraycopy(buf, pos, buf, 0, left);
        }
        base += pos;
        pos = 0;
        crcPos = 0;
        end = left;
        while (end < n) {
            int r = stream.read(buf, end, buf.length - end);
            if (r < 0) {
                eof = true;
                return false;
            }
            end += r;
        }
        return true;
    }

    private void need(int n, String what) throws IOException {
        if (!fill(n)) {
            throw error("Unexpected EOF reading " + what);
        }
    }

    /** One unsigned byte (rdbLoadType), failing at the end. */
    public int readByte() throws IOException {
        need(1, "a byte");
        return buf[pos++] & 0xff;
    }

    /** {@code n} raw bytes. */
    public byte[] readBytes(int n) throws IOException {
        if (n < CHUNK || stream == null) {
            need(n, "a string of " + n + " bytes");
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }
        // large: copy as it streams in, without growing the buffer to the whole size; the array grows with what
        // actually arrives, so a corrupt length at the end of a file cannot allocate gigabytes
        byte[] out = new byte[CHUNK];
        int done = 0;
        while (done < n) {
            need(1, "a string of " + n + " bytes");
            int take = Math.min(n - done, end - pos);
            if (done + take > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, Math.max((long) done + take, 2L * out.length)));
            }
            System.arraycopy(buf, pos, out, done, take);
            pos += take;
            done += take;
        }
        return out;
    }

    /** A little-endian integer of {@code bytes} bytes. */
    public long readLittleEndian(int bytes) throws IOException {
        need(bytes, "an integer");
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        pos += bytes;
        return v;
    }

    /** rdbLoadMillisecondTime. */
    public long readMillis() throws IOException {
        return readLittleEndian(8);
    }

    /** rdbLoadBinaryDoubleValue. */
    public double readBinaryDouble() throws IOException {
        return Double.longBitsToDouble(readLittleEndian(8));
    }

    /** rdbLoadDoubleValue (text doubles of type-3 sorted sets): 253 NaN, 254 +inf, 255 -inf, else %lg text. */
    public double readTextDouble() throws IOException {
        int len = readByte();
        switch (len) {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                byte[] text = readBytes(len);
                try {
                    return Double.parseDouble(new String(text, java.nio.charset.StandardCharsets.US_ASCII).trim());
                } catch (NumberFormatException e) {
                    throw error("Bad double value");
                }
        }
    }

    /**
     * rdbLoadLen: a plain length; an encoded-string marker here is an error. The 64-bit form is unsigned: a value
     * of 2^63 or more comes back negative (compare with {@link Long#compareUnsigned}).
     */
    public long readLength() throws IOException {
        int b = readByte();
        if ((b >>> 6) == 3) {
            throw error("Unexpected string encoding where a length was expected");
        }
        return readLengthAfter(b);
    }

    /** A length that must fit an int (element counts, string lengths). */
    public int readIntLength() throws IOException {
        long len = readLength();
        if (len < 0 || len > Integer.MAX_VALUE - 16) {
            throw error("Length " + Long.toUnsignedString(len) + " too large");
        }
        return (int) len;
    }

    private long readLengthAfter(int b) throws IOException {
        switch (b >>> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                return ((long) (b & 0x3f) << 8) | readByte();
            default:
                if (b == 0x80) {
                    need(4, "a 32 bit length");
                    long v = 0;
                    for (int i = 0; i < 4; i++) {
                        v = (v << 8) | (buf[pos++] & 0xff);
                    }
                    return v;
                }
                if (b == 0x81) {
                    need(8, "a 64 bit length");
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        v = (v << 8) | (buf[pos++] & 0xff);
                    }
                    return v;
                }
                throw error("Unknown length encoding " + b);
        }
    }

    /** rdbGenericLoadStringObject: plain, INT8/16/32 (as decimal text) or LZF. */
    public byte[] readString() throws IOException {
        int b = readByte();
        if ((b >>> 6) != 3) {
            long len = readLengthAfter(b);
            if (len < 0 || len > Integer.MAX_VALUE - 16) {
                throw error("String length " + Long.toUnsignedString(len) + " too large");
            }
            return readBytes((int) len);
        }
        switch (b & 0x3f) {
            case ENC_INT8:
                return Numbers.toNewBytes((byte) readByte());
            case ENC_INT16:
                return Numbers.toNewBytes((short) readLittleEndian(2));
            case ENC_INT32:
                return Numbers.toNewBytes((int) readLittleEndian(4));
            case ENC_LZF: {
                long clen = readLength();
                long ulen = readLength();
                if (clen < 0 || clen > Integer.MAX_VALUE - 16 || ulen < 0 || ulen > Integer.MAX_VALUE - 16) {
                    throw error("LZF string length too large");
                }
                byte[] packed = readBytes((int) clen);
                // an LZF back reference of 3 bytes yields at most 264: a larger claim is corrupt, and is refused
                // before a corrupt length can make it allocate
                if (ulen > clen * 88) {
                    throw error("Invalid LZF compressed string");
                }
                byte[] out = new byte[(int) ulen];
                if (!Lzf.decompress(packed, 0, packed.length, out)) {
                    throw error("Invalid LZF compressed string");
                }
                return out;
            }
            default:
                throw error("Unknown RDB string encoding type " + (b & 0x3f));
        }
    }
}
