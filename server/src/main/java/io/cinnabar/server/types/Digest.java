package io.cinnabar.server.types;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 20-byte SHA1 accumulator of Redis's DEBUG DIGEST and DIGEST-VALUE (debug.c): {@link #xor} adds data in an
 * order-independent way (set members, hash fields), {@link #mix} in an order-dependent one (list elements). Equal
 * to Redis's for the same data (DebugDigestTest holds values Redis 7.0.15 printed). Ported from Redis 7.0's debug.c
 * (xorDigest, mixDigest; BSD-3-Clause, Copyright (c) 2009-2020 Salvatore Sanfilippo; see NOTICE), with the JDK's
 * SHA-1 in place of Redis's sha1.c. Not thread-safe.
 */
public final class Digest {
    private final byte[] bytes = new byte[20];
    private final MessageDigest sha1;

    public Digest() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** xorDigest: XORs the SHA1 of {@code data} into the digest. */
    public Digest xor(byte[] data) {
        byte[] hash = sha1.digest(data);
        for (int j = 0; j < 20; j++) {
            bytes[j] ^= hash[j];
        }
        return this;
    }

    /** xorDigest of another digest's 20 bytes (their SHA1 XORed in), as Redis folds an element's or key's in. */
    public Digest xor(Digest other) {
        return xor(other.bytes);
    }

    /** mixDigest: XORs the SHA1 of {@code data} in, then replaces the digest by its own SHA1. */
    public Digest mix(byte[] data) {
        xor(data);
        System.arraycopy(sha1.digest(bytes), 0, bytes, 0, 20);
        return this;
    }

    /** mixDigest of a 32-bit big-endian integer (the type and database numbers Redis mixes in). */
    public Digest mix(int value) {
        return mix(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** The 20 bytes, copied. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
