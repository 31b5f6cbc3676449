package io.cinnabar.server.types;

import java.util.Arrays;

/**
 * A string value that has been modified in place (APPEND, SETRANGE): a growable buffer, as Redis's sds with
 * free space, so repeated APPENDs are amortised. Redis reports its encoding as "raw".
 */
public final class RawString {
    byte[] buf;
    int length;

    public RawString(byte[] initial, int extraCapacity) {
        this.buf = Arrays.copyOf(initial, initial.length + extraCapacity);
        this.length = initial.length;
    }

    public int length() {
        return length;
    }

    public byte[] buffer() {
        return buf;
    }

    public void append(byte[] tail) {
        ensure(length + tail.length);
        System.arraycopy(tail, 0, buf, length, tail.length);
        length += tail.length;
    }

    /** Writes {@code value} at {@code offset}, zero-padding any gap (SETRANGE). */
    public void setRange(int offset, byte[] value) {
        int end = offset + value.length;
        ensure(end);
        System.arraycopy(value, 0, buf, offset, value.length);
        if (end > length) {
            length = end;
        }
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            // sdsMakeRoomFor: double below 1 MB, then grow by 1 MB at a time
            int grown = capacity < 1024 * 1024 ? capacity * 2 : capacity + 1024 * 1024;
            buf = Arrays.copyOf(buf, Math.max(grown, capacity));
        }
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, length);
    }
}
