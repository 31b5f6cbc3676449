package io.cinnabar.server.exec;

import java.util.Arrays;

/** A key of a database, hashed and compared by content: what blocked clients and WATCH are indexed by. */
final class KeyRef {
    final int db;
    final byte[] key;
    private final int hash;

    private KeyRef(int db, byte[] key) {
        this.db = db;
        this.key = key;
        this.hash = 31 * db + Arrays.hashCode(key);
    }

    static KeyRef of(int db, byte[] key) {
        return new KeyRef(db, key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRef k && k.db == db && Arrays.equals(k.key, key);
    }
}
