package io.cinnabar.server.types;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A set of integers kept as Redis 7.0's intset, byte for byte: a little-endian {@code uint32} encoding (2, 4 or 8 =
 * bytes per value), a {@code uint32} length, then the values sorted ascending, each a signed little-endian integer of
 * that width. Holding the exact layout means RDB and DUMP write {@link #toBytes()} as is and loading takes a blob
 * with {@link #of(byte[])} without converting anything.
 *
 * <p>The encoding is the width of the widest value ever added: adding a wider value upgrades every stored value in
 * one pass, and removing it never narrows the set again (Redis does the same, so the bytes stay comparable).
 *
 * <p>The array is always exactly as long as the intset, as Redis reallocates it on every add and remove: an insert
 * copies the array once (head, new value, shifted tail), which is what Redis's realloc plus memmove costs, and the
 * set never carries slack. Sets are small here (the collections switch to a hash table past
 * {@code set-max-intset-entries}, 512 by default), so the linear copy is cheap next to a Java object per member.
 *
 * <p>Follows Redis 7.0's intset.c (BSD-3-Clause, Copyright (c) 2009-2012 Salvatore Sanfilippo, Pieter Noordhuis; see
 * NOTICE) in layout and rules. Not thread-safe: owned by the executor.
 */
public final class IntSet {
    /** Bytes per value, also the value of the encoding field (Redis's INTSET_ENC_INT16/32/64). */
    public static final int ENC_INT16 = 2;
    public static final int ENC_INT32 = 4;
    public static final int ENC_INT64 = 8;
    /** Encoding field plus length field. */
    public static final int HEADER = 8;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] blob;
    /** Cached copies of the two header fields; the blob always holds them too. */
    private int encoding;
    private int length;

    /** An empty intset, encoded as int16 like Redis's intsetNew. */
    public IntSet() {
        this.blob = new byte[HEADER];
        this.encoding = ENC_INT16;
        this.length = 0;
        I32.set(blob, 0, ENC_INT16);
    }

    private IntSet(byte[] blob, int encoding, int length) {
        this.blob = blob;
        this.encoding = encoding;
        this.length = length;
    }

    /**
     * Wraps an intset blob read from RDB or RESTORE after checking it as {@link #validate(byte[], boolean)} does
     * with {@code deep}. The set takes ownership of {@code blob}: the caller must not touch it afterwards.
     *
     * @throws IllegalArgumentException if the blob is not a valid intset
     */
    public static IntSet of(byte[] blob) {
        if (!validate(blob, true)) {
            throw new IllegalArgumentException("intset integrity check failed");
        }
        return new IntSet(blob, (int) I32.get(blob, 0), (int) I32.get(blob, 4));
    }

    /**
     * Redis's intsetValidateIntegrity: the header is readable, the encoding is 2, 4 or 8, the blob is exactly
     * header plus length values, the set is not empty (Redis never writes an empty one), and with {@code deep} the
     * values are strictly ascending (sorted, no duplicates). Like Redis it does not insist on the narrowest
     * encoding: a set of small values stored as int64 loads fine.
     */
    public static boolean validate(byte[] blob, boolean deep) {
        if (blob == null || blob.length < HEADER) {
            return false;
        }
        int enc = (int) I32.get(blob, 0);
        if (enc != ENC_INT16 && enc != ENC_INT32 && enc != ENC_INT64) {
            return false;
        }
        // both fields are uint32 in C; read the count unsigned so a huge count cannot wrap to a small one
        long count = Integer.toUnsignedLong((int) I32.get(blob, 4));
        if (HEADER + count * enc != blob.length) {
            return false;
        }
        if (count == 0) {
            return false;
        }
        if (!deep) {
            return true;
        }
        long prev = get(blob, enc, 0);
        for (int i = 1; i < count; i++) {
            long cur = get(blob, enc, i);
            if (cur <= prev) {
                return false;
            }
            prev = cur;
        }
        return true;
    }

    /** The narrowest encoding that holds {@code v} (Redis's _intsetValueEncoding). */
    public static int encodingFor(long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            return ENC_INT64;
        }
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            return ENC_INT32;
        }
        return ENC_INT16;
    }

    public int size() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** Bytes per value: 2, 4 or 8. */
    public int encoding() {
        return encoding;
    }

    /** Size of the intset in bytes (header included), for memory estimates; the blob has no slack. */
    public int bytes() {
        return blob.length;
    }

    /** The value at {@code index} in ascending order. */
    public long get(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return get(blob, encoding, index);
    }

    public long min() {
        if (length == 0) {
            throw new NoSuchElementException();
        }
        return get(blob, encoding, 0);
    }

    public long max() {
        if (length == 0) {
            throw new NoSuchElementException();
        }
        return get(blob, encoding, length - 1);
    }

    /** A uniformly chosen index (SRANDMEMBER, SPOP pick one with this as Redis's intsetRandom does). */
    public int randomIndex(SplittableRandom random) {
        if (length == 0) {
            throw new NoSuchElementException();
        }
        return random.nextInt(length);
    }

    /** A uniformly chosen member (Redis's intsetRandom). */
    public long random(SplittableRandom random) {
        return get(blob, encoding, randomIndex(random));
    }

    public boolean contains(long value) {
        // a value wider than the encoding cannot be stored, as in intsetFind
        return encodingFor(value) <= encoding && search(value) >= 0;
    }

    /**
     * The index of {@code value} if present, else {@code -(insertion point) - 1} as {@link Arrays#binarySearch}.
     */
    public int indexOf(long value) {
        return encodingFor(value) <= encoding ? search(value) : (value < 0 ? -1 : -length - 1);
    }

    /** Adds {@code value}; returns false if it was already there. */
    public boolean add(long value) {
        int valueEnc = encodingFor(value);
        if (valueEnc > encoding) {
            upgradeAndAdd(value, valueEnc);
            return true;
        }
        int pos = search(value);
        if (pos >= 0) {
            return false;
        }
        pos = -pos - 1;
        int enc = encoding;
        byte[] grown = newBlob(length + 1, enc);
        int at = HEADER + pos * enc;
        System.arraycopy(blob, HEADER, grown, HEADER, pos * enc);
        System.arraycopy(blob, at, grown, at + enc, (length - pos) * enc);
        set(grown, enc, pos, value);
        blob = grown;
        length++;
        I32.set(blob, 4, length);
        return true;
    }

    /** Removes {@code value}; returns false if it was not there. */
    public boolean remove(long value) {
        if (encodingFor(value) > encoding) {
            return false;
        }
        int pos = search(value);
        if (pos < 0) {
            return false;
        }
        removeAt(pos);
        return true;
    }

    /** Removes the value at {@code index} (SPOP after {@link #randomIndex}). */
    public long removeAt(int index) {
        long value = get(index);
        int enc = encoding;
        byte[] shrunk = newBlob(length - 1, enc);
        int at = HEADER + index * enc;
        System.arraycopy(blob, HEADER, shrunk, HEADER, index * enc);
        System.arraycopy(blob, at + enc, shrunk, at, (length - index - 1) * enc);
        blob = shrunk;
        length--;
        I32.set(blob, 4, length);
        return value;
    }

    /**
     * The backing array: exactly Redis's bytes, {@link #bytes()} long (what RDB writes as SET_INTSET). Valid until
     * the next change; the caller must not modify it.
     */
    public byte[] array() {
        return blob;
    }

    /** The exact Redis bytes, in a fresh array the caller owns. */
    public byte[] toBytes() {
        return blob.clone();
    }

    /** A deep copy (COPY, snapshots). */
    public IntSet copy() {
        return new IntSet(blob.clone(), encoding, length);
    }

    /**
     * Widens every value and adds one that does not fit the current encoding. Ported from intsetUpgradeAndAdd:
     * such a value is either below every member or above every member, so it goes first or last and no search
     * is needed; the values are copied back to front as in Redis (here into a new array, so the order is only
     * kept for the resemblance).
     */
    private void upgradeAndAdd(long value, int newEnc) {
        int oldEnc = encoding;
        boolean prepend = value < 0;
        byte[] grown = newBlob(length + 1, newEnc);
        int shift = prepend ? 1 : 0;
        for (int i = length - 1; i >= 0; i--) {
            set(grown, newEnc, i + shift, get(blob, oldEnc, i));
        }
        set(grown, newEnc, prepend ? 0 : length, value);
        blob = grown;
        encoding = newEnc;
        length++;
        I32.set(blob, 4, length);
    }

    /**
     * Binary search as intsetSearch: the value is known to fit the encoding. Checks the two ends first, as Redis
     * does, because appending ascending IDs is the common case and then costs no search at all.
     */
    private int search(long value) {
        if (length == 0) {
            return -1;
        }
        byte[] b = blob;
        int enc = encoding;
        if (value > get(b, enc, length - 1)) {
            return -length - 1;
        }
        if (value < get(b, enc, 0)) {
            return -1;
        }
        int lo = 0;
        int hi = length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long cur = get(b, enc, mid);
            if (value > cur) {
                lo = mid + 1;
            } else if (value < cur) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    private static byte[] newBlob(int count, int enc) {
        long size = HEADER + (long) count * enc;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("intset too large");
        }
        byte[] b = new byte[(int) size];
        I32.set(b, 0, enc);
        I32.set(b, 4, count);
        return b;
    }

    private static long get(byte[] b, int enc, int index) {
        int at = HEADER + index * enc;
        switch (enc) {
            case ENC_INT16:
                return (short) I16.get(b, at);
            case ENC_INT32:
                return (int) I32.get(b, at);
            default:
                return (long) I64.get(b, at);
        }
    }

    private static void set(byte[] b, int enc, int index, long v) {
        int at = HEADER + index * enc;
        switch (enc) {
            case ENC_INT16:
                I16.set(b, at, (short) v);
                break;
            case ENC_INT32:
                I32.set(b, at, (int) v);
                break;
            default:
                I64.set(b, at, v);
                break;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("IntSet[enc=").append(encoding).append(' ');
        for (int i = 0; i < length; i++) {
            sb.append(i == 0 ? "" : ",").append(get(blob, encoding, i));
        }
        return sb.append(']').toString();
    }
}
