package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * A group PEL and consumer PELs ({@code tracksNacks}) under random deliveries, moves between consumers,
     * acknowledgements through {@link PelMap#removeNack} and plain removals, against TreeMap models: the record a
     * NACK keeps of its leaf and slot goes stale through insertions before it, compactions, splits and moves, and
     * removeNack must still remove exactly that entry.
     */
    @Test
    void consumerPelsFollowTheirNacks() {
        Random random = new Random(11);
        PelMap group = new PelMap();
        TreeMap<StreamID, StreamNack> groupModel = new TreeMap<>();
        StreamConsumer[] consumers = new StreamConsumer[3];
        @SuppressWarnings("unchecked")
        TreeMap<StreamID, StreamNack>[] models = new TreeMap[consumers.length];
        for (int i = 0; i < consumers.length; i++) {
            consumers[i] = new StreamConsumer(new byte[] {(byte) ('a' + i)}, 0);
            models[i] = new TreeMap<>();
        }
        int range = 3000;
        for (int i = 0; i < 300_000; i++) {
            int op = random.nextInt(10);
            // mostly ascending deliveries, some anywhere (claims): leaves split, slots shift, leaves compact
            StreamID id = op < 3 ? new StreamID(i / 8, i % 8) : new StreamID(random.nextInt(i / 8 + 1), random.nextInt(8));
            int ci = random.nextInt(consumers.length);
            StreamConsumer to = consumers[ci];
            StreamNack nack = groupModel.get(id);
            if (op < 5) { // deliver or claim: the NACK moves to consumer ci
                if (nack == null) {
                    nack = new StreamNack(to, i);
                    assertSame(null, group.put(id, nack));
                    groupModel.put(id, nack);
                } else {
                    int from = indexOf(consumers, nack.consumer);
                    assertTrue(nack.consumer.pel.removeNack(id.ms, id.seq, nack));
                    assertSame(nack, models[from].remove(id));
                    nack.consumer = to;
                }
                assertSame(null, to.pel.put(id, nack));
                models[ci].put(id, nack);
            } else if (op < 9) { // acknowledge, as XACK does
                StreamNack removed = group.remove(id);
                assertSame(groupModel.remove(id), removed);
                if (removed != null) {
                    int from = indexOf(consumers, removed.consumer);
                    assertTrue(removed.consumer.pel.removeNack(id.ms, id.seq, removed));
                    assertSame(removed, models[from].remove(id));
                }
            } else { // a plain removal from a consumer PEL (the NACK keeps its stale record) and from the group
                StreamNack removed = models[ci].remove(id);
                assertSame(removed, to.pel.remove(id));
                if (removed != null) {
                    assertSame(removed, group.remove(id));
                    groupModel.remove(id);
                }
            }
            if (i % 1000 == 0) {
                assertSameEntries(groupModel, group);
                for (int c = 0; c < consumers.length; c++) {
                    assertSameEntries(models[c], consumers[c].pel);
                }
            }
            if (groupModel.size() > range) { // acknowledge a run from the start, as consumers mostly do
                for (int k = 0; k < range / 2; k++) {
                    StreamID first = groupModel.firstKey();
                    StreamNack n = groupModel.remove(first);
                    assertSame(n, group.remove(first));
                    int from = indexOf(consumers, n.consumer);
                    assertTrue(n.consumer.pel.removeNack(first.ms, first.seq, n));
                    assertSame(n, models[from].remove(first));
                }
            }
        }
        assertSameEntries(groupModel, group);
        for (int c = 0; c < consumers.length; c++) {
            assertSameEntries(models[c], consumers[c].pel);
        }
    }

    /** Removals leave IDs in their leaves: seeks, iteration and re-insertion of removed IDs skip or reuse them. */
    @Test
    void removedSlotsAreSkippedAndReused() {
        Random random = new Random(5);
        PelMap pel = new PelMap(true);
        TreeMap<StreamID, StreamNack> model = new TreeMap<>();
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 2000; i++) {
                StreamID id = new StreamID(random.nextInt(500), random.nextInt(4));
                if (random.nextInt(3) == 0) {
                    assertSame(model.remove(id), pel.remove(id));
                } else {
                    StreamNack n = new StreamNack(null, i);
                    assertSame(model.put(id, n), pel.put(id, n));
                }
                StreamID probe = new StreamID(random.nextInt(501), random.nextInt(4));
                Map.Entry<StreamID, StreamNack> e = model.ceilingEntry(probe);
                long p = pel.ceiling(probe);
                assertEquals(e == null ? null : e.getKey(), p < 0 ? null : pel.key(p));
                assertEquals(model.isEmpty() ? -1 : 0, Long.signum(pel.first()) < 0 ? -1 : 0);
                if (!model.isEmpty()) {
                    assertEquals(model.firstKey(), pel.key(pel.first()));
                    assertEquals(model.lastKey(), pel.key(pel.last()));
                }
            }
            assertSameEntries(model, pel);
            while (!model.isEmpty() && random.nextInt(4) != 0) { // empty it, at times, from either end
                StreamID id = random.nextBoolean() ? model.firstKey() : model.lastKey();
                assertSame(model.remove(id), pel.remove(id));
            }
        }
    }

    private static int indexOf(StreamConsumer[] consumers, StreamConsumer c) {
        for (int i = 0; i < consumers.length; i++) {
            if (consumers[i] == c) {
                return i;
            }
        }
        throw new AssertionError("no such consumer");
    }

    private static void assertSameEntries(TreeMap<StreamID, StreamNack> model, PelMap pel) {
        assertEquals(model.size(), pel.size());
        long p = pel.first();
        for (Map.Entry<StreamID, StreamNack> e : model.entrySet()) {
            assertEquals(e.getKey(), pel.key(p));
            assertSame(e.getValue(), pel.value(p));
            assertSame(e.getValue(), pel.get(e.getKey()));
            p = pel.next(p);
        }
        assertEquals(-1, p);
        if (!model.isEmpty()) {
            assertEquals(model.lastKey(), pel.key(pel.last()));
        }
    }
}
