package io.cinnabar.server.persist;

import io.cinnabar.protocol.bytes.Numbers;
import java.util.Arrays;

/**
 * A growable byte array commands are appended to in the AOF's RESP form (catAppendOnlyGenericCommand and the
 * rio bulk helpers of Redis 7.0's aof.c and rio.c: {@code *<argc>\r\n} then {@code $<len>\r\n<bytes>\r\n} per
 * argument). Used for the AOF buffer the executor fills and for the rewrite's output. Not thread-safe.
 */
final class AofBuffer {
    private static final byte[] CRLF = {'\r', '\n'};
    byte[] data;
    int length;

    AofBuffer(int capacity) {
        data = new byte[capacity];
    }

    int length() {
        return length;
    }

    boolean isEmpty() {
        return length == 0;
    }

    void clear() {
        length = 0;
    }

    private void ensure(int extra) {
        int need = length + extra;
        if (need > data.length) {
            data = Arrays.copyOf(data, Math.max(need, data.length * 2));
        }
    }

    void raw(byte[] b) {
        raw(b, 0, b.length);
    }

    void raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, data, length, len);
        length += len;
    }

    void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            data[length++] = (byte) s.charAt(i);
        }
    }

    void decimal(long v) {
        int len = Numbers.digits(v);
        ensure(len);
        if (v == Long.MIN_VALUE) {
            raw(Numbers.toNewBytes(v));
            return;
        }
        long x = v;
        if (x < 0) {
            data[length] = '-';
            x = -x;
        }
        int i = length + len - 1;
        do {
            data[i--] = (byte) ('0' + (x % 10));
            x /= 10;
        } while (x != 0);
        length += len;
    }

    /** rioWriteBulkCount: {@code <prefix><count>\r\n}. */
    void count(char prefix, long n) {
        ensure(1);
        data[length++] = (byte) prefix;
        decimal(n);
        raw(CRLF);
    }

    /** rioWriteBulkString. */
    void bulk(byte[] b) {
        bulk(b, 0, b.length);
    }

    void bulk(byte[] b, int off, int len) {
        count('$', len);
        raw(b, off, len);
        raw(CRLF);
    }

    /** rioWriteBulkLongLong. */
    void bulk(long v) {
        count('$', Numbers.digits(v));
        decimal(v);
        raw(CRLF);
    }

    /** rioWriteBulkDouble: {@code %.17g}. */
    void bulk(double d) {
        bulk(io.cinnabar.protocol.bytes.DoubleFormat.g17(d));
    }

    /** catAppendOnlyGenericCommand. */
    void command(byte[][] argv, int argc) {
        count('*', argc);
        for (int i = 0; i < argc; i++) {
            bulk(argv[i]);
        }
    }

    /** The array handed on (the buffer starts a fresh one): the writer thread owns it from now on. */
    byte[] takeArray(int nextCapacity) {
        byte[] out = data;
        data = new byte[nextCapacity];
        length = 0;
        return out;
    }
}
