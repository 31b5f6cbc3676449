package io.cinnabar.server.persist;

import io.cinnabar.protocol.bytes.Numbers;
import java.util.Arrays;

/**
 * A growable byte buffer that RDB data is serialized into with rdb.c's primitives (rdbSaveLen, rdbSaveRawString,
 * rdbSaveBinaryDoubleValue, rdbSaveMillisecondTime). DUMP serializes one value into one; a snapshot serializes keys
 * into one on the executor and hands the filled bytes ({@link #array()} up to {@link #size()}) to its writer thread
 * in chunks, then {@link #reset()}s it. Not thread-safe.
 */
public final class RdbOutput {
    private static final int ENC_INT8 = 0;
    private static final int ENC_INT16 = 1;
    private static final int ENC_INT32 = 2;
    private static final int ENC_LZF = 3;

    private byte[] buf;
    private int size;
    /** rdbcompression: strings over 20 bytes are LZF-compressed when it saves at least 4 bytes. */
    private final boolean compress;
    private final Lzf.Compressor lzf;
    private byte[] lzfOut = new byte[0];

    public RdbOutput(int initialCapacity, boolean compress) {
        this.buf = new byte[Math.max(16, initialCapacity)];
        this.compress = compress;
        this.lzf = compress ? new Lzf.Compressor() : null;
    }

    public int size() {
        return size;
    }

    /** The buffer; bytes 0 to {@link #size()} are the data. Valid until the next write. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public void reset() {
        size = 0;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
        }
    }

    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** A little-endian integer of {@code bytes} bytes. */
    public void writeLittleEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    /** rdbSaveMillisecondTime: 8 bytes little-endian. */
    public void writeMillis(long ms) {
        writeLittleEndian(ms, 8);
    }

    /** rdbSaveBinaryDoubleValue: 8 bytes IEEE-754 little-endian. */
    public void writeBinaryDouble(double d) {
        writeLittleEndian(Double.doubleToRawLongBits(d), 8);
    }

    /**
     * rdbSaveLen: the smallest of the 6-, 14-, 32- and 64-bit forms (big-endian). {@code len} is unsigned, as
     * rdbSaveLen's uint64_t: a stream's unknown entries-read (-1) goes out as the 64-bit form of 2^64-1.
     */
    public void writeLength(long len) {
        if (len >= 0 && len < (1 << 6)) {
            write((int) len);
        } else if (len >= 0 && len < (1 << 14)) {
            ensure(2);
            buf[size++] = (byte) (0x40 | (len >>> 8));
            buf[size++] = (byte) len;
        } else if (len >= 0 && len <= 0xffffffffL) {
            ensure(5);
            buf[size++] = (byte) 0x80;
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (len >>> shift);
            }
        } else {
            ensure(9);
            buf[size++] = (byte) 0x81;
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[size++] = (byte) (len >>> shift);
            }
        }
    }

    /** rdbSaveRawString of the whole array. */
    public void writeString(byte[] s) {
        writeString(s, 0, s.length);
    }

    /** rdbSaveRawString: a canonical int32 as INT8/16/32, LZF when compression saves 4 bytes, else plain. */
    public void writeString(byte[] s, int off, int len) {
        if (len <= 11 && len > 0 && writeIntegerString(s, off, len)) {
            return;
        }
        if (compress && len > 20) {
            int room = len - 4;
            if (lzfOut.length < room) {
                lzfOut = new byte[room];
            }
            byte[] in = s;
            if (off != 0) {
                in = Arrays.copyOfRange(s, off, off + len);
            }
            int n = lzf.compress(in, len, lzfOut, room);
            if (n > 0) {
                write(0xc0 | ENC_LZF);
                writeLength(n);
                writeLength(len);
                write(lzfOut, 0, n);
                return;
            }
        }
        writeLength(len);
        write(s, off, len);
    }

    /** rdbSaveLongLongAsStringObject: an integer as INT8/16/32 when it fits, else its decimal text. */
    public void writeString(long v) {
        if (!writeInteger(v)) {
            byte[] text = Numbers.toNewBytes(v);
            writeLength(text.length);
            write(text);
        }
    }

    private boolean writeIntegerString(byte[] s, int off, int len) {
        long v = Numbers.parseLong(s, off, len); // len <= 11, so never the sentinel's own text
        if (v == Numbers.NOT_A_NUMBER || Numbers.digits(v) != len) { // leading zeros, "+" or "-0" would not read back as the same bytes
            return false;
        }
        return writeInteger(v);
    }

    private boolean writeInteger(long v) {
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            write(0xc0 | ENC_INT8);
            write((int) v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            write(0xc0 | ENC_INT16);
            writeLittleEndian(v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            write(0xc0 | ENC_INT32);
            writeLittleEndian(v, 4);
        } else {
            return false;
        }
        return true;
    }
}
