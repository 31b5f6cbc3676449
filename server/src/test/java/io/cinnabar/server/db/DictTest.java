package io.cinnabar.server.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DictTest {
    private static byte[] k(int i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void findsInsertsAndRemovesAcrossIncrementalRehashing() {
        Dict d = new Dict(7);
        for (int i = 0; i < 10_000; i++) {
            d.insert(k(i)).value = i;
        }
        assertEquals(10_000, d.size());
        for (int i = 0; i < 10_000; i++) {
            assertEquals(i, d.find(k(i)).value);
        }
        for (int i = 0; i < 9_990; i++) {
            assertNotNull(d.remove(k(i)));
        }
        assertNull(d.find(k(0)));
        assertEquals(10, d.size());
        while (d.rehash(100)) {
            // finish shrinking
        }
        assertTrue(d.buckets() <= 32, "shrinks when mostly empty: " + d.buckets());
    }

    @Test
    void scanVisitsEveryStableEntryWhileTheTableGrowsAndShrinks() {
        Dict d = new Dict(1);
        for (int i = 0; i < 1000; i++) {
            d.insert(k(i));
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int extra = 0;
        int step = 0;
        do {
            cursor = d.scan(cursor, e -> seen.add(new String(e.key, StandardCharsets.US_ASCII)));
            if (step++ % 2 == 0) {
                for (int j = 0; j < 50; j++) {
                    d.insert(("extra:" + extra++).getBytes(StandardCharsets.US_ASCII));
                }
            } else if (extra > 100) {
                for (int j = 0; j < 40; j++) {
                    d.remove(("extra:" + (--extra)).getBytes(StandardCharsets.US_ASCII));
                }
            }
        } while (cursor != 0);
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.contains("key:" + i), "key:" + i);
        }
    }

    @Test
    void randomReturnsEntriesAndNullWhenEmpty() {
        Dict d = new Dict(3);
        SplittableRandom r = new SplittableRandom(5);
        assertNull(d.random(r));
        for (int i = 0; i < 100; i++) {
            d.insert(k(i));
        }
        Set<String> picked = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            picked.add(new String(d.random(r).key, StandardCharsets.US_ASCII));
        }
        assertTrue(picked.size() > 90, "random reaches nearly every key: " + picked.size());
    }
}
