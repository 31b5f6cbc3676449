package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PelMapTest {
    /** Random puts, removes and seeks agree with a TreeMap, in order, across leaf splits and emptied leaves. */
    @Test
    void behavesAsASortedMapOfIds() {
        Random random = new Random(7);
        PelMap pel = new PelMap();
        TreeMap<StreamID, StreamNack> model = new TreeMap<>();
        long appendMs = 0;
        for (int i = 0; i < 200_000; i++) {
            int op = random.nextInt(10);
            StreamID id = op < 4 ? new StreamID(appendMs++, random.nextInt(2))
                    : new StreamID(random.nextInt((int) appendMs + 1), random.nextInt(2) == 0 ? 0 : -1L);
            if (op < 6) {
                StreamNack n = new StreamNack(null, i);
                assertSame(model.put(id, n), pel.put(id, n));
            } else if (op < 9) {
                assertSame(model.remove(id), pel.remove(id));
            } else {
                Map.Entry<StreamID, StreamNack> e = model.ceilingEntry(id);
                long p = pel.ceiling(id);
                assertEquals(e == null ? null : e.getKey(), p < 0 ? null : pel.key(p));
                Map.Entry<StreamID, StreamNack> h = model.higherEntry(id);
                long q = pel.higher(id.ms, id.seq);
                assertEquals(h == null ? null : h.getKey(), q < 0 ? null : pel.key(q));
            }
            assertEquals(model.size(), pel.size());
        }
        long p = pel.first();
        for (Map.Entry<StreamID, StreamNack> e : model.entrySet()) {
            assertEquals(e.getKey(), pel.key(p));
            assertSame(e.getValue(), pel.value(p));
            p = pel.next(p);
        }
        assertEquals(-1, p);
        assertEquals(model.lastKey(), pel.key(pel.last()));
    }
}
