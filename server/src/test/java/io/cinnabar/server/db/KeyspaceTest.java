package io.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyspaceTest {
    @Test
    void anEmptyCopyHashesKeysAsTheOriginalDoes() {
        Keyspace original = new Keyspace(16, 42);
        Keyspace copy = original.emptyCopy();
        for (int i = 0; i < 16; i++) {
            // a file this server saved lists keys in its tables' order: loaded into tables with the same seeds,
            // keys are inserted bucket after bucket (DEBUG RELOAD)
            assertEquals(original.db(i).seed, copy.db(i).seed);
            byte[] key = ("key:" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertEquals(original.db(i).keys.hash(key), copy.db(i).keys.hash(key));
        }
    }
}
