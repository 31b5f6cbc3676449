package io.cinnabar.server.types;

import io.cinnabar.protocol.bytes.Numbers;
import io.cinnabar.protocol.reply.ReplyWriter;

/**
 * String values and their encodings, as Redis keeps them: {@code Long} for "int" (values that are canonical
 * 64-bit integers, shared for 0..9999 like Redis's shared integers), {@code byte[]} for "embstr" (up to 44 bytes)
 * and "raw" (longer), {@link RawString} for "raw" strings modified in place.
 */
public final class Strings {
    /** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    public static final int EMBSTR_LIMIT = 44;
    /** OBJ_SHARED_INTEGERS. */
    public static final int SHARED_INTEGERS = 10000;
    private static final Long[] SHARED = new Long[SHARED_INTEGERS];

    static {
        for (int i = 0; i < SHARED_INTEGERS; i++) {
            SHARED[i] = (long) i;
        }
    }

    private Strings() {
    }

    public static boolean is(Object v) {
        return v instanceof byte[] || v instanceof Long || v instanceof RawString;
    }

    /** tryObjectEncoding: the stored form of a value taken from a request. */
    public static Object encode(byte[] value) {
        if (value.length <= 20 && value.length > 0) {
            long n = Numbers.parseLong(value);
            if (n != Numbers.NOT_A_NUMBER || Numbers.isLong(value)) {
                return fromLong(n);
            }
        }
        return value;
    }

    /** An integer value, shared when small (createStringObjectFromLongLongForValue). */
    public static Object fromLong(long n) {
        return n >= 0 && n < SHARED_INTEGERS ? SHARED[(int) n] : Long.valueOf(n);
    }

    public static boolean isShared(Object v) {
        return v instanceof Long n && n >= 0 && n < SHARED_INTEGERS && SHARED[(int) (long) n] == v;
    }

    /** The value's bytes; for byte[] the stored array itself, which must not be modified. */
    public static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof Long n) {
            return Numbers.toBytes(n);
        }
        return ((RawString) v).toBytes();
    }

    public static int length(Object v) {
        if (v instanceof byte[] b) {
            return b.length;
        }
        if (v instanceof Long n) {
            return Numbers.digits(n);
        }
        return ((RawString) v).length();
    }

    public static void reply(ReplyWriter w, Object v) {
        if (v instanceof byte[] b) {
            w.bulk(b);
        } else if (v instanceof Long n) {
            w.bulkLong(n);
        } else {
            RawString r = (RawString) v;
            w.bulk(r.buf, 0, r.length);
        }
    }

    /** The value as a long if it is one by string2ll's rules, else {@link Numbers#NOT_A_NUMBER}. */
    public static long parseLong(Object v) {
        if (v instanceof Long n) {
            return n;
        }
        if (v instanceof byte[] b) {
            return Numbers.parseLong(b);
        }
        RawString r = (RawString) v;
        return Numbers.parseLong(r.buf, 0, r.length);
    }

    public static boolean isLong(Object v) {
        return v instanceof Long || Numbers.isLong(bytes(v));
    }

    /** A raw, growable copy of the value for in-place changes (dbUnshareStringValue). */
    public static RawString unshare(Object v) {
        if (v instanceof RawString r) {
            return r;
        }
        return new RawString(bytes(v), 0);
    }

    public static String encoding(Object v) {
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof byte[] b) {
            return b.length <= EMBSTR_LIMIT ? "embstr" : "raw";
        }
        return "raw";
    }
}
