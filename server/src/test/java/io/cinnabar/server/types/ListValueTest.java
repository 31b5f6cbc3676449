package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ListValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> contents(ListValue l) {
        List<String> out = new ArrayList<>();
        l.range(0, l.size() - 1, e -> out.add(new String(e, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void nodesFillAsListMaxListpackSizeSays() {
        ListValue byCount = new ListValue(3);
        for (int i = 0; i < 10; i++) {
            byCount.pushTail(b("e" + i));
        }
        assertEquals(4, byCount.nodeCount());
        ListValue bySize = new ListValue(-1); // 4 KB nodes
        for (int i = 0; i < 100; i++) {
            bySize.pushHead(new byte[100]);
        }
        assertTrue(bySize.nodeCount() >= 3 && bySize.nodeCount() <= 4, "nodes: " + bySize.nodeCount());
        for (byte[] node : bySize.nodeBytes()) {
            assertTrue(node.length <= 4096);
        }
    }

    @Test
    void fullNodesKeepNoSpareRoomAtEitherEnd() {
        ListValue l = new ListValue(-2); // 8 KB nodes
        for (int i = 0; i < 5000; i++) {
            l.pushTail(b("element:" + i));
            l.pushHead(b("element:" + i));
        }
        int last = l.nodeCount() - 1;
        assertTrue(last >= 4, "nodes: " + l.nodeCount());
        for (int n = 1; n < last; n++) {
            assertEquals(0, l.spareRoom(n), "node " + n);
        }
        assertTrue(l.spareRoom(last) * 4 < 8192, "the open end node grows a size class at a time");
    }

    @Test
    void insertSplitsAFullNodeAndKeepsTheOrder() {
        ListValue l = new ListValue(2);
        l.pushTail(b("a"));
        l.pushTail(b("b"));
        assertTrue(l.insert(b("a"), b("x"), true));
        assertTrue(l.insert(b("a"), b("w"), false));
        assertEquals(List.of("w", "a", "x", "b"), contents(l));
        assertEquals(false, l.insert(b("nosuch"), b("y"), true));
    }

    @Test
    void behavesAsAListUnderRandomOperations() {
        Random random = new Random(11);
        for (int fill : new int[] {-2, 1, 3, 128}) {
            ListValue l = new ListValue(fill);
            LinkedList<String> model = new LinkedList<>();
            for (int i = 0; i < 5000; i++) {
                String e = Integer.toString(random.nextInt(20));
                switch (random.nextInt(8)) {
                    case 0 -> {
                        l.pushHead(b(e));
                        model.addFirst(e);
                    }
                    case 1 -> {
                        l.pushTail(b(e));
                        model.addLast(e);
                    }
                    case 2 -> {
                        boolean head = random.nextBoolean();
                        byte[] popped = l.pop(head);
                        String expected = model.isEmpty() ? null : (head ? model.removeFirst() : model.removeLast());
                        assertEquals(expected, popped == null ? null : new String(popped, StandardCharsets.UTF_8));
                    }
                    case 3 -> {
                        if (!model.isEmpty()) {
                            int index = random.nextInt(model.size());
                            assertTrue(l.set(index, b(e)));
                            model.set(index, e);
                        }
                    }
                    case 4 -> {
                        String pivot = Integer.toString(random.nextInt(20));
                        boolean after = random.nextBoolean();
                        int at = model.indexOf(pivot);
                        assertEquals(at >= 0, l.insert(b(pivot), b(e), after));
                        if (at >= 0) {
                            model.add(after ? at + 1 : at, e);
                        }
                    }
                    case 5 -> {
                        long count = random.nextInt(5) - 2;
                        long removed = l.remove(b(e), count);
                        long expected = 0;
                        if (count >= 0) {
                            for (var it = model.iterator(); it.hasNext() && (count == 0 || expected < count);) {
                                if (it.next().equals(e)) {
                                    it.remove();
                                    expected++;
                                }
                            }
                        } else {
                            for (var it = model.descendingIterator(); it.hasNext() && expected < -count;) {
                                if (it.next().equals(e)) {
                                    it.remove();
                                    expected++;
                                }
                            }
                        }
                        assertEquals(expected, removed);
                    }
                    case 6 -> {
                        if (random.nextInt(20) == 0 && !model.isEmpty()) {
                            int from = random.nextInt(model.size());
                            int to = from + random.nextInt(model.size() - from);
                            l.trim(from, to);
                            List<String> kept = new ArrayList<>(model.subList(from, to + 1));
                            model.clear();
                            model.addAll(kept);
                        }
                    }
                    default -> {
                        long index = random.nextInt(model.size() + 3) - 1 - (model.size() / 2);
                        long i2 = index < 0 ? model.size() + index : index;
                        byte[] got = l.get(index);
                        if (i2 < 0 || i2 >= model.size()) {
                            assertNull(got);
                        } else {
                            assertArrayEquals(b(model.get((int) i2)), got);
                        }
                    }
                }
                assertEquals(model.size(), l.size());
            }
            assertEquals(model, contents(l));
            List<String> reversed = new ArrayList<>();
            l.reverse(e -> reversed.add(new String(e, StandardCharsets.UTF_8)));
            List<String> expectedReverse = new ArrayList<>(model);
            java.util.Collections.reverse(expectedReverse);
            assertEquals(expectedReverse, reversed);
            ListValue copy = l.copy();
            copy.pushHead(b("only in the copy"));
            assertEquals(model, contents(l));
            assertEquals(Arrays.asList(model.toArray()).size() + 1, copy.size());
        }
    }

    /** An element that compresses well alongside its neighbours, as list data often does. */
    private static String element(Random random) {
        return "element:" + random.nextInt(40) + (random.nextInt(4) == 0 ? "-with-a-longer-tail" : "");
    }

    /** The nodes within {@code depth} of either end are never compressed. */
    private static void assertEndsUncompressed(ListValue l, int depth) {
        int nodes = l.nodeCount();
        for (int n = 0; n < nodes; n++) {
            if (n < depth || n >= nodes - depth) {
                assertFalse(l.compressedAt(n), "node " + n + " of " + nodes + " is within depth " + depth);
            }
        }
    }

    @Test
    void compressedListsBehaveAsAListUnderRandomOperations() {
        Random random = new Random(2026);
        for (int depth = 1; depth <= 3; depth++) {
            for (int fill : new int[] {2, 4, 7, 30}) {
                ListValue l = new ListValue(fill, depth);
                LinkedList<String> model = new LinkedList<>();
                int sawCompressed = 0;
                for (int i = 0; i < 6000; i++) {
                    String e = element(random);
                    int op = random.nextInt(100);
                    if (op < 22) {
                        l.pushHead(b(e));
                        model.addFirst(e);
                    } else if (op < 44) {
                        l.pushTail(b(e));
                        model.addLast(e);
                    } else if (op < 56) {
                        boolean head = random.nextBoolean();
                        byte[] popped = l.pop(head);
                        String expected = model.isEmpty() ? null : (head ? model.removeFirst() : model.removeLast());
                        assertEquals(expected, popped == null ? null : new String(popped, StandardCharsets.UTF_8));
                    } else if (op < 64) {
                        if (!model.isEmpty()) {
                            int index = random.nextInt(model.size());
                            assertTrue(l.set(random.nextBoolean() ? index : index - model.size(), b(e)));
                            model.set(index, e);
                        }
                    } else if (op < 70) {
                        String pivot = element(random);
                        boolean after = random.nextBoolean();
                        int at = model.indexOf(pivot);
                        assertEquals(at >= 0, l.insert(b(pivot), b(e), after));
                        if (at >= 0) {
                            model.add(after ? at + 1 : at, e);
                        }
                    } else if (op < 73) {
                        long count = random.nextInt(7) - 3;
                        long expected = 0;
                        var it = count >= 0 ? model.iterator() : model.descendingIterator();
                        while (it.hasNext() && (count == 0 || expected < Math.abs(count))) {
                            if (it.next().equals(e)) {
                                it.remove();
                                expected++;
                            }
                        }
                        assertEquals(expected, l.remove(b(e), count));
                    } else if (op < 74) {
                        if (!model.isEmpty()) {
                            int from = random.nextInt(Math.min(model.size(), 20));
                            int to = model.size() - 1 - random.nextInt(Math.min(model.size(), 20));
                            l.trim(from, to);
                            List<String> kept = from > to ? List.of() : new ArrayList<>(model.subList(from, to + 1));
                            model.clear();
                            model.addAll(kept);
                        }
                    } else if (op < 90) {
                        if (!model.isEmpty()) {
                            int index = random.nextInt(model.size());
                            assertArrayEquals(b(model.get(index)), l.get(random.nextBoolean() ? index
                                    : index - model.size()));
                        }
                    } else {
                        int from = model.isEmpty() ? 0 : random.nextInt(model.size());
                        int to = Math.min(model.size() - 1, from + random.nextInt(300));
                        List<String> got = new ArrayList<>();
                        l.range(from, to, x -> got.add(new String(x, StandardCharsets.UTF_8)));
                        assertEquals(from > to ? List.of() : model.subList(from, to + 1), got);
                    }
                    assertEquals(model.size(), l.size());
                    assertEndsUncompressed(l, depth);
                    sawCompressed = Math.max(sawCompressed, l.compressedNodes());
                }
                assertEquals(model, contents(l));
                List<String> reversed = new ArrayList<>();
                l.reverse(x -> reversed.add(new String(x, StandardCharsets.UTF_8)));
                List<String> expectedReverse = new ArrayList<>(model);
                java.util.Collections.reverse(expectedReverse);
                assertEquals(expectedReverse, reversed);
                assertTrue(sawCompressed > 0, "depth " + depth + ", fill " + fill + ": nothing was ever compressed");
                ListValue copy = l.copy();
                assertEquals(depth, copy.compressDepth());
                copy.pushHead(b("only in the copy"));
                copy.remove(b(model.isEmpty() ? "x" : model.get(model.size() / 2)), 0);
                assertEquals(model, contents(l));
                Digest a = new Digest();
                Digest b = new Digest();
                l.digest(a);
                ListValue plain = new ListValue(fill);
                for (String x : model) {
                    plain.pushTail(b(x));
                }
                plain.digest(b);
                assertEquals(b.hex(), a.hex(), "a compressed list digests as the same list uncompressed");
            }
        }
    }

    @Test
    void interiorNodesAreCompressedAndComeBackAtTheEnds() {
        ListValue l = new ListValue(8, 1);
        for (int i = 0; i < 800; i++) {
            l.pushTail(b("element:" + i));
        }
        int nodes = l.nodeCount();
        assertEquals(100, nodes);
        for (int n = 1; n < nodes - 1; n++) {
            assertTrue(l.compressedAt(n), "interior node " + n);
        }
        assertFalse(l.compressedAt(0));
        assertFalse(l.compressedAt(nodes - 1));
        long compressedSize = l.memoryUsage(0);
        ListValue plain = new ListValue(8);
        for (int i = 0; i < 800; i++) {
            plain.pushTail(b("element:" + i));
        }
        assertTrue(compressedSize < plain.memoryUsage(0) * 3 / 4, compressedSize + " vs " + plain.memoryUsage(0));
        assertEquals(plain.uncompressedBytes(), l.uncompressedBytes());
        for (int i = 0; i < 8; i++) { // the head node goes; the next one comes within the depth
            assertArrayEquals(b("element:" + i), l.pop(true));
        }
        assertFalse(l.compressedAt(0));
        assertTrue(l.compressedAt(1));
        l.trim(3, 400); // the new ends are expanded, the rest stays compressed
        assertEndsUncompressed(l, 1);
        assertTrue(l.compressedAt(1));
        assertArrayEquals(b("element:11"), l.get(0));
        assertArrayEquals(b("element:408"), l.get(-1));
        assertArrayEquals(b("element:200"), l.get(189));
        assertTrue(l.compressedAt(189 / 8 + 1), "a read leaves the node compressed");
        assertTrue(l.set(189, b("changed")));
        assertTrue(l.compressedAt(189 / 8 + 1), "a write compresses the node again");
        assertArrayEquals(b("changed"), l.get(189));
    }

    @Test
    void smallOrIncompressibleNodesStayPlain() {
        ListValue small = new ListValue(2, 1); // nodes under 48 bytes
        for (int i = 0; i < 50; i++) {
            small.pushTail(b("e" + i));
        }
        assertEquals(0, small.compressedNodes());
        ListValue noise = new ListValue(4, 1);
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            byte[] e = new byte[30];
            random.nextBytes(e);
            noise.pushTail(e);
        }
        assertEquals(0, noise.compressedNodes());
        ListValue depthZero = new ListValue(4, 0);
        for (int i = 0; i < 400; i++) {
            depthZero.pushTail(b("element:" + i));
        }
        assertEquals(0, depthZero.compressedNodes());
    }

    @Test
    void nodeLimitsAreRedisOnes() {
        // 681 ten-byte strings make an 8179-byte node; Redis 7.0.15 adds a 5-byte string to it (SIZE_ESTIMATE_OVERHEAD
        // 8 keeps it under 8192) and starts a new node for an 8-byte one
        for (String last : new String[] {"abcde", "abcdefgh"}) {
            ListValue l = new ListValue(-2);
            for (int i = 0; i < 681; i++) {
                l.pushTail(b("abcdefghij"));
            }
            assertEquals(8179, l.uncompressedBytes());
            l.pushTail(b(last));
            assertEquals(last.length() == 5 ? 1 : 2, l.nodeCount(), last);
        }
        // Redis 7.0.15: 100,000 "element:i" make ql_nodes:183, ql_uncompressed_size:1490171 (and 1M: 1944, 15902498)
        ListValue elements = new ListValue(-2, 1);
        for (int i = 0; i < 100_000; i++) {
            elements.pushTail(b("element:" + i));
        }
        assertEquals(183, elements.nodeCount());
        assertEquals(1490171, elements.uncompressedBytes());
        assertEquals(181, elements.compressedNodes());
        // LINSERT splitting a full 4 KB node, then merging the pivot's half with the next node when their sizes less
        // 11 fit in 4096: Redis 7.0.15 gave 3 nodes for the last element 3881 and 3883 bytes long, 4 for 3884, 3885
        int[] tails = {3881, 3883, 3884, 3885};
        int[] nodes = {3, 3, 4, 4};
        for (int i = 0; i < tails.length; i++) {
            ListValue l = new ListValue(-1);
            for (String e : new String[] {"A".repeat(3000), "B".repeat(3866), "P".repeat(100), "Q".repeat(100),
                "C".repeat(tails[i])}) {
                l.pushTail(b(e));
            }
            assertEquals(3, l.nodeCount());
            assertTrue(l.insert(b("P".repeat(100)), b("X".repeat(20)), false));
            assertEquals(nodes[i], l.nodeCount(), "last element " + tails[i]);
            assertEquals(List.of("A".repeat(3000), "B".repeat(3866), "X".repeat(20), "P".repeat(100), "Q".repeat(100),
                    "C".repeat(tails[i])), contents(l));
        }
    }
}
