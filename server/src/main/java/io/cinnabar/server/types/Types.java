package io.cinnabar.server.types;

/**
 * What the generic commands ask of any stored value (TYPE, SCAN TYPE, OBJECT ENCODING, COPY, MEMORY USAGE, DEBUG
 * DIGEST-VALUE): strings answered here, the other types by themselves ({@link Value}).
 */
public final class Types {
    private Types() {
    }

    public static String typeName(Object v) {
        if (v == null) {
            return "none";
        }
        return Strings.is(v) ? "string" : ((Value) v).typeName();
    }

    public static String encoding(Object v) {
        return Strings.is(v) ? Strings.encoding(v) : ((Value) v).encoding();
    }

    /** A deep copy for COPY (dupStringObject keeps the encoding: int stays int, raw stays raw). */
    public static Object copy(Object v) {
        if (v instanceof byte[] || v instanceof Long) {
            return v; // stored byte arrays are never modified in place, and Longs are immutable: sharing is a copy
        }
        if (v instanceof RawString r) {
            return new RawString(r.toBytes(), 0);
        }
        return ((Value) v).copy();
    }

    /** Heap bytes of the value alone (object headers and alignment included, compressed references). */
    public static long memoryUsage(Object v, int samples) {
        if (v instanceof byte[] b) {
            return arrayBytes(b.length);
        }
        if (v instanceof Long) {
            return Strings.isShared(v) ? 0 : 16;
        }
        if (v instanceof RawString r) {
            return 16 + arrayBytes(r.buffer().length);
        }
        return ((Value) v).memoryUsage(samples);
    }

    /** A byte array's heap size: 16 bytes of header, then the data, rounded up to 8. */
    public static long arrayBytes(int length) {
        return (16 + length + 7) & ~7L;
    }

    /** Mixes the value into a DEBUG DIGEST-VALUE digest: its type number, then its contents (xorObjectDigest). */
    public static void digest(Object v, Digest digest) {
        if (Strings.is(v)) {
            digest.mix(0); // OBJ_STRING
            digest.mix(Strings.bytes(v));
        } else {
            ((Value) v).digest(digest);
        }
    }
}
