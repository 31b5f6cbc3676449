package io.cinnabar.server.types;

/** What TYPE, SCAN TYPE and OBJECT ENCODING report for a stored value. */
public final class Types {
    private Types() {
    }

    public static String typeName(Object v) {
        if (v == null) {
            return "none";
        }
        if (Strings.is(v)) {
            return "string";
        }
        throw new IllegalStateException("unknown value type " + v.getClass());
    }

    public static String encoding(Object v) {
        if (Strings.is(v)) {
            return Strings.encoding(v);
        }
        throw new IllegalStateException("unknown value type " + v.getClass());
    }

    /** A deep copy for COPY (dupStringObject keeps the encoding: int stays int, raw stays raw). */
    public static Object copy(Object v) {
        if (v instanceof byte[] b) {
            return b; // stored byte arrays are never modified in place, so sharing is a copy
        }
        if (v instanceof Long) {
            return v;
        }
        if (v instanceof RawString r) {
            return new RawString(r.toBytes(), 0);
        }
        throw new IllegalStateException("unknown value type " + v.getClass());
    }
}
