package io.cinnabar.server.pubsub;

import java.util.Arrays;

/** A channel name or pattern, hashed and compared by content (binary-safe). */
final class Channel {
    final byte[] name;
    private final int hash;

    Channel(byte[] name) {
        this.name = name;
        this.hash = Arrays.hashCode(name);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Channel c && c.hash == hash && Arrays.equals(c.name, name);
    }
}
