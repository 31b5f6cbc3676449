package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamValueTest {
    private static byte[][] fields(String... fv) {
        byte[][] out = new byte[fv.length][];
        for (int i = 0; i < fv.length; i++) {
            out[i] = fv[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static void add(StreamValue s, long ms, long seq, String... fv) {
        assertEquals(StreamValue.APPENDED, s.append(fields(fv), 0, fv.length / 2, new StreamID(ms, seq), true, 0,
                4096, 100));
    }

    private static List<String> ids(StreamValue s, StreamID start, StreamID end, boolean rev) {
        List<String> out = new ArrayList<>();
        StreamValue.Iterator it = new StreamValue.Iterator(s, start, end, rev);
        while (it.next()) {
            out.add(it.ms + "-" + it.seq);
        }
        return out;
    }

    /** The node bytes Redis 7.0.15 dumps for this stream (shared/docs/rdb-formats.md, stream example). */
    @Test
    void aNodeHoldsRedisExactListpackBytes() {
        StreamValue s = new StreamValue();
        add(s, 1, 1, "name", "alice", "age", "30");
        add(s, 1, 2, "name", "bob", "age", "40");
        add(s, 2, 0, "other", "1");
        add(s, 3, 5, "name", "carol", "age", "50");
        assertTrue(s.delete(new StreamID(1, 2)));
        byte[][] node = new byte[1][];
        s.forEachNode((ms, seq, lp) -> {
            assertEquals(1, ms);
            assertEquals(1, seq);
            node[0] = lp.toBytes();
        });
        String expected = "5f0000001f00" + "0301" + "0101" + "0201" + "846e616d6505" + "8361676504" + "0001"
                + "020100010001" + "85616c69636506" + "1e01" + "0501"
                + "030100010101" + "83626f6204" + "2801" + "0501"
                + "00010101dfff02" + "0101" + "856f7468657206" + "0101" + "0601"
                + "020102010401" + "85636172 6f6c06".replace(" ", "") + "3201" + "0501" + "ff";
        assertEquals(expected, HexFormat.of().formatHex(node[0]));
        assertEquals(3, s.length());
        assertEquals(List.of("1-1", "2-0", "3-5"), ids(s, null, null, false));
        assertEquals(List.of("3-5", "2-0", "1-1"), ids(s, null, null, true));
    }

    @Test
    void nodesSplitAtTheEntryLimitAndApproximateTrimmingRemovesWholeNodesOnly() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 250; i++) {
            s.append(fields("f", Integer.toString(i)), 0, 1, new StreamID(i, 0), true, 0, 4096, 100);
        }
        assertEquals(3, s.nodeCount());
        assertEquals(8, s.radixTreeNodes()); // as XINFO STREAM shows on Redis for these 250 IDs
        assertEquals(0, s.trim(StreamValue.TRIM_MAXLEN, 200, null, true, 10000)); // would cut into the first node
        assertEquals(100, s.trim(StreamValue.TRIM_MAXLEN, 150, null, true, 10000));
        assertEquals(150, s.length());
        assertEquals(new StreamID(101, 0), s.firstId());
        assertEquals(10, s.trim(StreamValue.TRIM_MAXLEN, 140, null, false, 0)); // exact: flags entries deleted
        assertEquals(140, s.length());
        assertEquals(2, s.nodeCount());
        assertEquals(new StreamID(111, 0), s.firstId());
        assertEquals(List.of("111-0", "112-0"), ids(s, null, new StreamID(112, 0), false));
    }

    @Test
    void nodesSplitBeforeTheirBytesWouldReachTheLimit() {
        StreamValue s = new StreamValue();
        for (int i = 1; i <= 10; i++) {
            s.append(fields("field", "value"), 0, 1, new StreamID(i, 0), true, 0, 60, 0);
        }
        // a node of a master entry and two entries is 49 bytes; a third entry's 10 bytes would reach 60
        assertEquals(5, s.nodeCount());
    }

    @Test
    void generatedIdsFollowTheClockAndNeverGoBack() {
        StreamValue s = new StreamValue();
        s.append(fields("a", "1"), 0, 1, null, true, 1000, 4096, 100);
        assertEquals(1000, s.addedMs());
        assertEquals(0, s.addedSeq());
        s.append(fields("a", "1"), 0, 1, null, true, 900, 4096, 100); // the clock went back
        assertEquals(1000, s.addedMs());
        assertEquals(1, s.addedSeq());
        s.append(fields("a", "1"), 0, 1, new StreamID(1000, 0), false, 0, 4096, 100); // 1000-*
        assertEquals(2, s.addedSeq());
        assertEquals(StreamValue.ID_TOO_SMALL, s.append(fields("a", "1"), 0, 1, new StreamID(1000, 2), true, 0,
                4096, 100));
        s.append(fields("a", "1"), 0, 1, new StreamID(-1L, -1L), true, 0, 4096, 100);
        assertEquals(StreamValue.ID_TOO_SMALL, s.append(fields("a", "1"), 0, 1, null, true, 5000, 4096, 100));
    }

    @Test
    void deletingTheLastLiveEntryOfANodeRemovesTheNode() {
        StreamValue s = new StreamValue();
        add(s, 1, 0, "a", "1");
        add(s, 2, 0, "a", "2");
        assertTrue(s.delete(new StreamID(1, 0)));
        assertFalse(s.delete(new StreamID(1, 0)));
        assertEquals(1, s.nodeCount());
        assertTrue(s.delete(new StreamID(2, 0)));
        assertEquals(0, s.nodeCount());
        assertEquals(1, s.radixTreeNodes());
        assertNull(s.lastValidId());
        assertEquals(new StreamID(2, 0), s.lastId());
    }

    @Test
    void idsParseAsRedisStrtoullDoes() {
        assertEquals(new StreamID(5, 0), StreamID.parse("  5".getBytes(), 0, false));
        assertEquals(new StreamID(6, 1), StreamID.parse("+6-+1".getBytes(), 0, false));
        assertNull(StreamID.parse("-01".getBytes(), 0, false)); // the dash splits: an empty ms part
        assertEquals(new StreamID(5, -1L), StreamID.parse("5--01".getBytes(), 0, false)); // strtoull negates
        assertNull(StreamID.parse("-1".getBytes(), 0, false));
        assertNull(StreamID.parse("18446744073709551616".getBytes(), 0, false));
        assertEquals(new StreamID(-1L, -1L), StreamID.parse("18446744073709551615-18446744073709551615".getBytes(),
                0, false));
        assertEquals(new StreamID(8, -1L), StreamID.parse("8".getBytes(), -1L, false));
        assertEquals(StreamID.MAX, StreamID.parse("+".getBytes(), 0, false));
        assertNull(StreamID.parse("+".getBytes(), 0, true));
        assertEquals(new StreamID(8, 0), StreamID.parse("8\0junk".getBytes(), 0, true));
        StreamID.Parsed p = new StreamID.Parsed();
        assertEquals(new StreamID(7, 0), StreamID.parse("7-*".getBytes(), 0, 3, 0, true, p));
        assertFalse(p.seqGiven);
        assertNull(StreamID.parse("7-*".getBytes(), 0, true));
        assertArrayEquals("18446744073709551615-0".getBytes(), new StreamID(-1L, 0).toBytes());
    }

    @Test
    void aCopyIsIndependentAndKeepsGroupsAndPendingEntries() {
        StreamValue s = new StreamValue();
        add(s, 1, 0, "a", "1");
        StreamGroup g = s.createGroup("g".getBytes(), StreamID.MIN, 0);
        StreamConsumer c = g.createConsumer("c".getBytes(), 10);
        StreamNack n = new StreamNack(c, 10);
        g.pel.put(new StreamID(1, 0), n);
        c.pel.put(new StreamID(1, 0), n);
        StreamValue copy = s.copy();
        add(copy, 2, 0, "a", "2");
        assertEquals(1, s.length());
        StreamGroup gc = copy.group("g".getBytes());
        StreamNack nc = gc.pel.get(new StreamID(1, 0));
        assertTrue(nc != n && nc.consumer == gc.consumers.get("c".getBytes()));
        assertTrue(gc.consumers.get("c".getBytes()).pel.get(new StreamID(1, 0)) == nc);
    }
}
