package io.cinnabar.server.types;

import io.cinnabar.protocol.bytes.Numbers;
import java.util.Arrays;

/**
 * Redis 7.0's listpack: a sequence of strings and integers packed into one byte array, the compact encoding of
 * small hashes (field, value, field, value, ...), sorted sets (member, score, ...) and quicklist nodes.
 *
 * <p>The bytes in {@link #array()} from 0 to {@link #bytes()} are exactly Redis's layout, so RDB and DUMP can
 * write them as they are and a listpack built by the same operations as in Redis has the same bytes:
 * <pre>
 *   total_bytes u32 LE | num_elements u16 LE (65535 = unknown) | entry... | 0xFF
 *   entry = encoding+data | backlen (size of encoding+data, 1-5 bytes, readable backwards)
 * </pre>
 * Strings that Redis's string2ll accepts are stored as integers in the smallest encoding, as Redis's
 * {@code lpEncodeGetType} does, so {@code "123"} is a 7-bit integer while {@code "0123"} and {@code "-0"} stay
 * strings. Layout, encodings and rules follow Redis 7.0's listpack.c (BSD-3-Clause, Copyright (c) 2017 Salvatore
 * Sanfilippo, Copyright (c) 2020 Redis Labs); see NOTICE. The code is written from that layout; the loops ported
 * closely are marked where they are.
 *
 * <p>A position is a byte offset into the array, as Redis's {@code unsigned char *p} is an address: {@link
 * #first()}, {@link #next(int)}, {@link #prev(int)}, {@link #last()} and {@link #seek(int)} return one, or -1 for
 * none. A position stays valid until the next write; every write returns the position the caller needs next.
 * Reads allocate nothing, except {@link #bytesAt(int)}, {@link #toBytes()} and {@link #compareAt} on an integer
 * entry of 10000 or more (its decimal text).
 *
 * <p>Unlike Redis, which reallocates to the exact size on every write, the array keeps spare room at its end (up
 * to the next of jemalloc's size classes, {@link #roomFor}) so that appends are amortised; {@link #toBytes()} and
 * {@link #trim()} drop it. The element count is also kept in a field, so {@link #size()} never walks; the header
 * count still follows Redis's rules (it sticks at 65535 once the count reaches it and is written back by {@link
 * #size()} when the count falls below again, as {@code lpLength} does), so the bytes stay Redis's.
 *
 * <p>Not thread-safe: owned by the executor like every value.
 */
public final class Listpack {
    /** Header: total bytes (4) and element count (2). */
    public static final int HEADER_SIZE = 6;
    /** The header count that means "count by walking". */
    public static final int COUNT_UNKNOWN = 65535;
    static final int EOF = 0xFF;
    private static final int EMPTY_SIZE = HEADER_SIZE + 1;
    /** Java arrays stop a little short of Integer.MAX_VALUE; Redis's own limit is UINT32_MAX. */
    private static final int MAX_SIZE = Integer.MAX_VALUE - 16;
    private static final byte[] MIN_LONG_TEXT = Numbers.toNewBytes(Long.MIN_VALUE);
    /** Redis refuses to look for an integer form of a string this long or longer in lpFind. */
    private static final int FIND_INT_MAX_LEN = 32;

    private byte[] buf;
    /** Total bytes in use, header and EOF included; equals the header's total_bytes. */
    private int used;
    /** Exact element count, whatever the header says. */
    private int count;

    /** An empty listpack. */
    public Listpack() {
        this(32);
    }

    /** An empty listpack with room for {@code capacity} bytes before it grows. */
    public Listpack(int capacity) {
        buf = new byte[Math.max(EMPTY_SIZE, capacity)];
        used = EMPTY_SIZE;
        writeTotal();
        buf[EMPTY_SIZE - 1] = (byte) EOF;
    }

    private Listpack(byte[] bytes, int count) {
        this.buf = bytes;
        this.used = bytes.length;
        this.count = count;
    }

    /**
     * Takes {@code bytes} as the backing array without checking them: for listpacks this code wrote itself (a
     * decompressed quicklist node) whose {@code count} entries are known.
     */
    static Listpack trusted(byte[] bytes, int count) {
        return new Listpack(bytes, count);
    }

    /**
     * Takes {@code bytes} (a serialized listpack, e.g. from RDB) as the backing array after {@link #validate}
     * checked it deeply; the caller must not touch the array afterwards.
     *
     * @throws IllegalArgumentException naming what is wrong if the bytes are not a valid listpack
     */
    public static Listpack of(byte[] bytes) {
        return new Listpack(bytes, validate(bytes, 0, bytes.length));
    }

    /** Like {@link #of(byte[])} on a copy of {@code len} bytes of {@code src} from {@code off}. */
    public static Listpack copyOf(byte[] src, int off, int len) {
        byte[] copy = Arrays.copyOfRange(src, off, off + len);
        return of(copy);
    }

    /**
     * Checks {@code len} bytes of {@code b} from {@code off} the way Redis's {@code lpValidateIntegrity} does with
     * deep checking: header total matches the length, every entry has a known encoding, lies within the blob, and
     * its backlen agrees with its size, the walk ends exactly at the final 0xFF, and a known header count equals the
     * number of entries. Returns the number of entries.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static int validate(byte[] b, int off, int len) {
        if (len < EMPTY_SIZE) {
            throw corrupt("shorter than the 7-byte minimum (" + len + " bytes)");
        }
        long total = (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16
                | (b[off + 3] & 0xFFL) << 24;
        if (total != len) {
            throw corrupt("header says " + total + " bytes but the blob has " + len);
        }
        if ((b[off + len - 1] & 0xFF) != EOF) {
            throw corrupt("last byte is not the 0xFF end marker");
        }
        int headerCount = (b[off + 4] & 0xFF) | (b[off + 5] & 0xFF) << 8;
        int end = off + len - 1; // the EOF byte
        int p = off + HEADER_SIZE;
        int n = 0;
        // A sibling of lpValidateNext's loop: every read is bounds-checked before it happens.
        while (p < end) {
            int e = b[p] & 0xFF;
            long entryLen;
            if (e < 0x80) {
                entryLen = 1;
            } else if (e < 0xC0) {
                entryLen = 1 + (e & 0x3F);
            } else if (e < 0xE0) {
                entryLen = 2;
            } else if (e < 0xF0) {
                if (p + 1 >= end) {
                    throw corrupt("12-bit string length at offset " + (p - off) + " runs past the end");
                }
                entryLen = 2 + ((e & 0x0F) << 8 | (b[p + 1] & 0xFF));
            } else if (e == 0xF0) {
                if (p + 4 >= end) {
                    throw corrupt("32-bit string length at offset " + (p - off) + " runs past the end");
                }
                entryLen = 5 + ((b[p + 1] & 0xFFL) | (b[p + 2] & 0xFFL) << 8 | (b[p + 3] & 0xFFL) << 16
                        | (b[p + 4] & 0xFFL) << 24);
            } else if (e <= 0xF4) {
                entryLen = e == 0xF1 ? 3 : e == 0xF2 ? 4 : e == 0xF3 ? 5 : 9;
            } else {
                throw corrupt("invalid encoding byte 0x" + Integer.toHexString(e) + " at offset " + (p - off));
            }
            long withBacklen = entryLen + backlenSize(entryLen);
            if (p + withBacklen > end) {
                throw corrupt("entry at offset " + (p - off) + " (" + withBacklen + " bytes) runs past the end");
            }
            int q = (int) (p + withBacklen);
            long back = decodeBacklen(b, q - 1, p + (int) entryLen);
            if (back != entryLen) {
                throw corrupt("backlen of the entry at offset " + (p - off) + " says " + back + ", entry has "
                        + entryLen);
            }
            p = q;
            n++;
        }
        if (headerCount != COUNT_UNKNOWN && headerCount != n) {
            throw corrupt("header count " + headerCount + " but " + n + " entries");
        }
        return n;
    }

    private static IllegalArgumentException corrupt(String what) {
        return new IllegalArgumentException("corrupt listpack: " + what);
    }

    // ---------------------------------------------------------------- whole listpack

    /** Number of entries. Like lpLength, writes the count back into a header that said "unknown". */
    public int size() {
        if (count < COUNT_UNKNOWN && headerCount() == COUNT_UNKNOWN) {
            writeCount(count);
        }
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Total bytes of the listpack (Redis's lpBytes), header and end marker included; spare room excluded. */
    public int bytes() {
        return used;
    }

    /** The backing array; the listpack is its first {@link #bytes()} bytes. Valid until the next write. */
    public byte[] array() {
        return buf;
    }

    /** An exact copy of the listpack's bytes, as RDB and DUMP write them. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, used);
    }

    /** Drops the spare room at the end of the backing array (Redis's lpShrinkToFit). */
    public void trim() {
        if (buf.length != used) {
            buf = Arrays.copyOf(buf, used);
        }
    }

    /** A deep copy with no spare room. */
    public Listpack copy() {
        return new Listpack(toBytes(), count);
    }

    // ---------------------------------------------------------------- positions

    /** Position of the first entry, or -1 if empty. */
    public int first() {
        return count == 0 ? -1 : HEADER_SIZE;
    }

    /** Position of the last entry, or -1 if empty. */
    public int last() {
        return count == 0 ? -1 : prevOf(used - 1);
    }

    /** Position of the entry after {@code pos}, or -1 if {@code pos} is the last. */
    public int next(int pos) {
        int n = pos + entrySize(pos);
        return (buf[n] & 0xFF) == EOF ? -1 : n;
    }

    /** Position of the entry before {@code pos}, or -1 if {@code pos} is the first. */
    public int prev(int pos) {
        return pos == HEADER_SIZE ? -1 : prevOf(pos);
    }

    /**
     * Position of the entry at {@code index} (negative counts from the end, -1 is the last), or -1 if out of
     * range. Walks from whichever end is nearer, as lpSeek does.
     */
    public int seek(long index) {
        if (index < 0) {
            index += count;
        }
        if (index < 0 || index >= count) {
            return -1;
        }
        int p;
        if (index > count / 2) {
            p = prevOf(used - 1);
            for (long i = count - 1; i > index; i--) {
                p = prevOf(p);
            }
        } else {
            p = HEADER_SIZE;
            for (long i = 0; i < index; i++) {
                p += entrySize(p);
            }
        }
        return p;
    }

    private int prevOf(int pos) {
        long len = decodeBacklen(buf, pos - 1, HEADER_SIZE);
        return pos - (int) (len + backlenSize(len));
    }

    /** Size of the entry at {@code pos}: encoding, data and backlen. */
    private int entrySize(int pos) {
        int len = encodedSize(pos);
        return len + backlenSize(len);
    }

    /** Size of encoding+data of the entry at {@code pos} (lpCurrentEncodedSizeUnsafe). */
    private int encodedSize(int pos) {
        byte[] b = buf;
        int e = b[pos] & 0xFF;
        if (e < 0x80) {
            return 1;
        }
        if (e < 0xC0) {
            return 1 + (e & 0x3F);
        }
        if (e < 0xE0) {
            return 2;
        }
        if (e < 0xF0) {
            return 2 + ((e & 0x0F) << 8 | (b[pos + 1] & 0xFF));
        }
        switch (e) {
            case 0xF0:
                return 5 + readIntLE(b, pos + 1);
            case 0xF1:
                return 3;
            case 0xF2:
                return 4;
            case 0xF3:
                return 5;
            default:
                return 9;
        }
    }

    // ---------------------------------------------------------------- reading an entry

    /** True if the entry at {@code pos} is stored as an integer. */
    public boolean isInteger(int pos) {
        int e = buf[pos] & 0xFF;
        return e < 0x80 || (e >= 0xC0 && e < 0xE0) || (e >= 0xF1 && e <= 0xF4);
    }

    /** The value of the integer entry at {@code pos}. */
    public long integerAt(int pos) {
        byte[] b = buf;
        int e = b[pos] & 0xFF;
        if (e < 0x80) {
            return e;
        }
        if (e >= 0xC0 && e < 0xE0) {
            // 13 bits, big-endian, two's complement: shift the sign bit to bit 31 and back
            return ((((e & 0x1F) << 8) | (b[pos + 1] & 0xFF)) << 19) >> 19;
        }
        switch (e) {
            case 0xF1:
                return (short) ((b[pos + 1] & 0xFF) | (b[pos + 2] & 0xFF) << 8);
            case 0xF2:
                return (((b[pos + 1] & 0xFF) | (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF) << 16) << 8) >> 8;
            case 0xF3:
                return readIntLE(b, pos + 1);
            case 0xF4:
                return (readIntLE(b, pos + 1) & 0xFFFFFFFFL) | (long) readIntLE(b, pos + 5) << 32;
            default:
                throw new IllegalArgumentException("entry at " + pos + " is a string");
        }
    }

    /** Length in bytes of the string entry at {@code pos}. */
    public int stringLength(int pos) {
        int e = buf[pos] & 0xFF;
        if ((e & 0xC0) == 0x80) {
            return e & 0x3F;
        }
        if ((e & 0xF0) == 0xE0) {
            return (e & 0x0F) << 8 | (buf[pos + 1] & 0xFF);
        }
        if (e == 0xF0) {
            return readIntLE(buf, pos + 1);
        }
        throw new IllegalArgumentException("entry at " + pos + " is an integer");
    }

    /** Offset in {@link #array()} of the bytes of the string entry at {@code pos}. */
    public int stringOffset(int pos) {
        int e = buf[pos] & 0xFF;
        if ((e & 0xC0) == 0x80) {
            return pos + 1;
        }
        if ((e & 0xF0) == 0xE0) {
            return pos + 2;
        }
        if (e == 0xF0) {
            return pos + 5;
        }
        throw new IllegalArgumentException("entry at " + pos + " is an integer");
    }

    /** The entry at {@code pos} as bytes the caller owns; integers as their decimal text (ll2string). */
    public byte[] bytesAt(int pos) {
        if (isInteger(pos)) {
            return Numbers.toNewBytes(integerAt(pos));
        }
        int off = stringOffset(pos);
        return Arrays.copyOfRange(buf, off, off + stringLength(pos));
    }

    /** Writes the entry at {@code pos} as a bulk string (an integer entry as its decimal text), with no copy. */
    public void writeBulkAt(int pos, io.cinnabar.protocol.reply.ReplyWriter out) {
        if (isInteger(pos)) {
            out.bulkLong(integerAt(pos));
        } else {
            out.bulk(buf, stringOffset(pos), stringLength(pos));
        }
    }

    /** True if the entry at {@code pos} equals {@code s}, an integer entry matching its decimal text (lpCompare). */
    public boolean equalsAt(int pos, byte[] s) {
        return equalsAt(pos, s, 0, s.length);
    }

    public boolean equalsAt(int pos, byte[] s, int off, int len) {
        if (isInteger(pos)) {
            // Only strings that string2ll accepts become integers, so any other text cannot match.
            return isCanonicalLong(s, off, len) && parsed(s, off, len) == integerAt(pos);
        }
        int so = stringOffset(pos);
        return stringLength(pos) == len && Arrays.equals(buf, so, so + len, s, off, off + len);
    }

    /**
     * Compares the entry at {@code pos} with {@code s} as unsigned bytes, as memcmp then length (integer entries as
     * their decimal text; 0..9999 come from a shared table, larger ones are formatted): the order sorted sets keep
     * equal-score members in.
     */
    public int compareAt(int pos, byte[] s, int off, int len) {
        if (isInteger(pos)) {
            byte[] text = Numbers.toBytes(integerAt(pos));
            return Arrays.compareUnsigned(text, 0, text.length, s, off, off + len);
        }
        int so = stringOffset(pos);
        return Arrays.compareUnsigned(buf, so, so + stringLength(pos), s, off, off + len);
    }

    /**
     * Position of the first entry from {@code pos} on, looking at every {@code skip + 1}-th entry, that equals
     * {@code s} (lpCompare rules), or -1. With skip 1 on a field/value listpack this looks up a field. Ported
     * closely from lpFind: the string is parsed as an integer at most once, and only if shorter than 32 bytes.
     */
    public int find(int pos, byte[] s, int off, int len, int skip) {
        if (pos < 0) {
            return -1;
        }
        byte[] b = buf;
        boolean intKnown = false;
        boolean canBeInt = false;
        long intValue = 0;
        int skipped = 0;
        int p = pos;
        while ((b[p] & 0xFF) != EOF) {
            if (skipped == 0) {
                int e = b[p] & 0xFF;
                int size;
                if ((e & 0xC0) == 0x80) {
                    int sl = e & 0x3F;
                    if (sl == len && Arrays.equals(b, p + 1, p + 1 + sl, s, off, off + len)) {
                        return p;
                    }
                    size = 1 + sl;
                } else if ((e & 0xF0) == 0xE0) {
                    int sl = (e & 0x0F) << 8 | (b[p + 1] & 0xFF);
                    if (sl == len && Arrays.equals(b, p + 2, p + 2 + sl, s, off, off + len)) {
                        return p;
                    }
                    size = 2 + sl;
                } else if (e == 0xF0) {
                    int sl = readIntLE(b, p + 1);
                    if (sl == len && Arrays.equals(b, p + 5, p + 5 + sl, s, off, off + len)) {
                        return p;
                    }
                    size = 5 + sl;
                } else {
                    if (!intKnown) {
                        intKnown = true;
                        canBeInt = len < FIND_INT_MAX_LEN && isCanonicalLong(s, off, len);
                        if (canBeInt) {
                            intValue = parsed(s, off, len);
                        }
                    }
                    if (canBeInt && integerAt(p) == intValue) {
                        return p;
                    }
                    size = encodedSize(p);
                }
                p += size + backlenSize(size);
                skipped = skip;
            } else {
                skipped--;
                p += entrySize(p);
            }
        }
        return -1;
    }

    /** {@link #find(int, byte[], int, int, int)} from the first entry. */
    public int find(byte[] s, int skip) {
        return find(first(), s, 0, s.length, skip);
    }

    // ---------------------------------------------------------------- writing

    /** Appends {@code s} (as an integer if string2ll accepts it) and returns its position. */
    public int append(byte[] s) {
        return insertString(used - 1, s, 0, s.length, 0);
    }

    public int append(byte[] s, int off, int len) {
        return insertString(used - 1, s, off, len, 0);
    }

    public int append(long v) {
        return insertInteger(used - 1, v, 0);
    }

    public int prepend(byte[] s) {
        return insertString(HEADER_SIZE, s, 0, s.length, 0);
    }

    public int prepend(long v) {
        return insertInteger(HEADER_SIZE, v, 0);
    }

    /** Inserts {@code s} before the entry at {@code pos} and returns the new entry's position. */
    public int insertBefore(int pos, byte[] s) {
        return insertString(pos, s, 0, s.length, 0);
    }

    public int insertBefore(int pos, long v) {
        return insertInteger(pos, v, 0);
    }

    /** Inserts {@code s} after the entry at {@code pos} and returns the new entry's position. */
    public int insertAfter(int pos, byte[] s) {
        return insertString(pos + entrySize(pos), s, 0, s.length, 0);
    }

    public int insertAfter(int pos, long v) {
        return insertInteger(pos + entrySize(pos), v, 0);
    }

    /** Replaces the entry at {@code pos} with {@code s}; returns {@code pos}, where the new entry is. */
    public int replace(int pos, byte[] s) {
        return insertString(pos, s, 0, s.length, entrySize(pos));
    }

    public int replace(int pos, byte[] s, int off, int len) {
        return insertString(pos, s, off, len, entrySize(pos));
    }

    public int replace(int pos, long v) {
        return insertInteger(pos, v, entrySize(pos));
    }

    /** Deletes the entry at {@code pos}; returns the position of the entry that followed it, or -1 if none. */
    public int delete(int pos) {
        int size = entrySize(pos);
        System.arraycopy(buf, pos + size, buf, pos, used - pos - size);
        used -= size;
        count--;
        decrementHeaderCount(1);
        writeTotal();
        return (buf[pos] & 0xFF) == EOF ? -1 : pos;
    }

    /**
     * Deletes up to {@code num} entries starting at {@code index} (negative counts from the end); does nothing if
     * the index is out of range (lpDeleteRange).
     */
    public void deleteRange(long index, long num) {
        if (num <= 0) {
            return;
        }
        int start = seek(index);
        if (start < 0) {
            return;
        }
        int p = start;
        int deleted = 0;
        while (deleted < num && (buf[p] & 0xFF) != EOF) {
            p += entrySize(p);
            deleted++;
        }
        System.arraycopy(buf, p, buf, start, used - p);
        used -= p - start;
        count -= deleted;
        decrementHeaderCount(deleted);
        writeTotal();
    }

    /** Removes every entry. */
    public void clear() {
        used = EMPTY_SIZE;
        count = 0;
        writeTotal();
        writeCount(0);
        buf[EMPTY_SIZE - 1] = (byte) EOF;
    }

    private int insertString(int pos, byte[] s, int off, int len, int replaced) {
        if (isCanonicalLong(s, off, len)) {
            return insertInteger(pos, parsed(s, off, len), replaced);
        }
        int headerLen = len < 64 ? 1 : len < 4096 ? 2 : 5;
        int encLen = headerLen + len;
        int total = encLen + backlenSize(encLen);
        makeRoom(pos, replaced, total);
        byte[] b = buf;
        if (headerLen == 1) {
            b[pos] = (byte) (0x80 | len);
        } else if (headerLen == 2) {
            b[pos] = (byte) (0xE0 | len >> 8);
            b[pos + 1] = (byte) len;
        } else {
            b[pos] = (byte) 0xF0;
            writeIntLE(b, pos + 1, len);
        }
        System.arraycopy(s, off, b, pos + headerLen, len);
        writeBacklen(b, pos + encLen, encLen);
        return pos;
    }

    private int insertInteger(int pos, long v, int replaced) {
        int encLen;
        if (v >= 0 && v <= 127) {
            encLen = 1;
        } else if (v >= -4096 && v <= 4095) {
            encLen = 2;
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            encLen = 3;
        } else if (v >= -(1 << 23) && v < (1 << 23)) {
            encLen = 4;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            encLen = 5;
        } else {
            encLen = 9;
        }
        // every integer encoding is at most 9 bytes, so its backlen is one byte
        makeRoom(pos, replaced, encLen + 1);
        byte[] b = buf;
        switch (encLen) {
            case 1:
                b[pos] = (byte) v;
                break;
            case 2:
                b[pos] = (byte) (0xC0 | (v >> 8) & 0x1F);
                b[pos + 1] = (byte) v;
                break;
            case 3:
                b[pos] = (byte) 0xF1;
                b[pos + 1] = (byte) v;
                b[pos + 2] = (byte) (v >> 8);
                break;
            case 4:
                b[pos] = (byte) 0xF2;
                b[pos + 1] = (byte) v;
                b[pos + 2] = (byte) (v >> 8);
                b[pos + 3] = (byte) (v >> 16);
                break;
            case 5:
                b[pos] = (byte) 0xF3;
                writeIntLE(b, pos + 1, (int) v);
                break;
            default:
                b[pos] = (byte) 0xF4;
                writeIntLE(b, pos + 1, (int) v);
                writeIntLE(b, pos + 5, (int) (v >> 32));
                break;
        }
        b[pos + encLen] = (byte) encLen;
        return pos;
    }

    /**
     * The array size a listpack of {@code n} bytes grows to: the next of jemalloc's size classes (four per doubling
     * above 64 bytes), which is what Redis's realloc to the exact size costs. Spare room stays under a quarter, so a
     * hash of a few fields costs about what it does in Redis, while a node that takes hundreds of appends is still
     * copied only about four times per doubling. (Growing by half again left up to a third unused for good: 1.57x
     * Redis's memory for 100k hashes of 10 fields.)
     */
    static int roomFor(int n) {
        if (n <= 64) {
            return (n + 7) & ~7;
        }
        int step = Integer.highestOneBit(n - 1) >> 2;
        return (int) Math.min(MAX_SIZE, ((long) n + step - 1) & -(long) step);
    }

    /**
     * Makes {@code size} bytes at {@code pos} for a new entry in place of the {@code replaced} bytes there (0 for
     * an insert) and updates total and counts, as lpInsert's memmove does; the caller writes the entry.
     */
    private void makeRoom(int pos, int replaced, int size) {
        long newUsed = (long) used + size - replaced;
        if (newUsed > MAX_SIZE) {
            throw new IllegalStateException("listpack would exceed " + MAX_SIZE + " bytes");
        }
        int n = (int) newUsed;
        if (n > buf.length) {
            buf = Arrays.copyOf(buf, roomFor(n));
        }
        if (size != replaced) {
            System.arraycopy(buf, pos + replaced, buf, pos + size, used - pos - replaced);
        }
        used = n;
        writeTotal();
        if (replaced == 0) {
            count++;
            int header = headerCount();
            if (header != COUNT_UNKNOWN) {
                writeCount(header + 1); // 65534 + 1 lands on "unknown", as in Redis
            }
        }
    }

    private void decrementHeaderCount(int n) {
        int header = headerCount();
        if (header != COUNT_UNKNOWN) {
            writeCount(header - n);
        }
    }

    private int headerCount() {
        return (buf[4] & 0xFF) | (buf[5] & 0xFF) << 8;
    }

    private void writeCount(int c) {
        buf[4] = (byte) c;
        buf[5] = (byte) (c >> 8);
    }

    private void writeTotal() {
        writeIntLE(buf, 0, used);
    }

    // ---------------------------------------------------------------- encodings

    /** Bytes needed for the backlen of an entry whose encoding+data is {@code len} bytes (lpEncodeBacklen). */
    static int backlenSize(long len) {
        if (len <= 127) {
            return 1;
        } else if (len < 16383) {
            return 2;
        } else if (len < 2097151) {
            return 3;
        } else if (len < 268435455) {
            return 4;
        }
        return 5;
    }

    /** Writes the backlen of {@code len} at {@code at}: the highest 7-bit group first, bit 7 set on all but it. */
    private static void writeBacklen(byte[] b, int at, int len) {
        int n = backlenSize(len);
        for (int i = n - 1; i >= 0; i--) {
            b[at + i] = (byte) ((len & 127) | (i == 0 ? 0 : 128));
            len >>>= 7;
        }
    }

    /**
     * Reads a backlen backwards from its last byte at {@code at}, going no lower than {@code floor}; returns -1 if it
     * is longer than 5 bytes or crosses the floor (lpDecodeBacklen).
     */
    private static long decodeBacklen(byte[] b, int at, int floor) {
        long v = 0;
        int shift = 0;
        while (true) {
            if (at < floor || shift > 28) {
                return -1;
            }
            int x = b[at] & 0xFF;
            v |= (long) (x & 127) << shift;
            if ((x & 128) == 0) {
                return v;
            }
            shift += 7;
            at--;
        }
    }

    /** True if string2ll accepts the bytes, i.e. Redis stores them as a listpack integer. */
    static boolean isCanonicalLong(byte[] s, int off, int len) {
        if (len == 0 || len > 20) {
            return false;
        }
        return Numbers.parseLong(s, off, len) != Numbers.NOT_A_NUMBER
                || Arrays.equals(s, off, off + len, MIN_LONG_TEXT, 0, MIN_LONG_TEXT.length);
    }

    /** The value of bytes {@link #isCanonicalLong} accepted (NOT_A_NUMBER is then Long.MIN_VALUE itself). */
    private static long parsed(byte[] s, int off, int len) {
        return Numbers.parseLong(s, off, len);
    }

    private static int readIntLE(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static void writeIntLE(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }

    @Override
    public String toString() {
        return "Listpack[" + count + " entries, " + used + " bytes]";
    }
}
