package io.cinnabar.server.types;

/**
 * A stored value of a collection type (list, set, sorted set, hash, stream): what the generic commands ask of it,
 * so that TYPE, OBJECT ENCODING, COPY, MEMORY USAGE and DEBUG DIGEST-VALUE never switch on classes spread across
 * files. Strings are not Values: they stay {@code byte[]}, {@code Long} or {@link RawString} for speed, and
 * {@link Types} answers for them. The RDB form joins this interface with persistence. Not thread-safe: values are
 * owned by the executor thread.
 */
public interface Value {
    /** TYPE's answer: {@code list}, {@code set}, {@code zset}, {@code hash} or {@code stream}. */
    String typeName();

    /** OBJECT ENCODING's answer: {@code listpack}, {@code quicklist}, {@code intset}, {@code hashtable}, ... */
    String encoding();

    /** A deep copy for COPY: later changes to either side never show in the other. Keeps the encoding. */
    Value copy();

    /**
     * Heap bytes the value takes (headers, arrays and alignment included), for MEMORY USAGE; as Redis's
     * objectComputeSize, a large collection may be estimated from {@code samples} of its elements (0: all).
     */
    long memoryUsage(int samples);

    /** Mixes the value into {@code digest} as Redis's xorObjectDigest does for its type (DEBUG DIGEST-VALUE). */
    void digest(Digest digest);
}
