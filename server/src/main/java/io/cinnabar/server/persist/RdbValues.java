package io.cinnabar.server.persist;

import io.cinnabar.server.exec.Config;
import io.cinnabar.server.types.RawString;
import io.cinnabar.server.types.Value;
import java.io.IOException;

/**
 * The value part of an RDB key entry, DUMP payload and AOF preamble: which object type byte Redis 7.0 writes for
 * a value (rdbSaveObjectType), the value's bytes (rdbSaveObject), and the reverse for every type Redis 7.0 loads,
 * old encodings included (rdbLoadObject), converting to the encoding the loading server's thresholds ask for as
 * Redis does. One place for all types, so SAVE, BGSAVE, DUMP, RESTORE, DEBUG RELOAD and the AOF preamble agree.
 *
 * <p>Values are what the keyspace stores: {@code byte[]}, {@code Long} or {@link RawString} for strings, a
 * {@link Value} for the other types. Not thread-safe: values belong to the executor while they are written.
 */
public final class RdbValues {
    private RdbValues() {
    }

    /** rdbSaveObjectType: the type byte Redis 7.0 writes for {@code value} in its current encoding. */
    public static int typeOf(Object value) {
        if (value instanceof byte[] || value instanceof Long || value instanceof RawString) {
            return RdbType.STRING;
        }
        throw new UnsupportedOperationException("RDB type of " + ((Value) value).typeName()); // filled in by the codec work
    }

    /** rdbSaveObject: the value's bytes, after its type byte. */
    public static void write(RdbOutput out, Object value) {
        if (value instanceof byte[] b) {
            out.writeString(b);
        } else if (value instanceof Long l) {
            out.writeString(l);
        } else if (value instanceof RawString r) {
            out.writeString(r.buffer(), 0, r.length());
        } else {
            throw new UnsupportedOperationException("RDB form of " + ((Value) value).typeName());
        }
    }

    /**
     * rdbLoadObject: a value of RDB type {@code type}, in the encoding {@code config}'s thresholds give it (as Redis
     * converts on load). Returns null for an empty collection, which Redis's loader skips. {@code deepSanitize}
     * checks packed blobs entry by entry (sanitize-dump-payload yes).
     */
    public static Object read(RdbInput in, int type, Config config, boolean deepSanitize) throws IOException {
        if (type == RdbType.STRING) {
            return in.readString();
        }
        throw in.error("Unknown RDB encoding type " + type);
    }
}
