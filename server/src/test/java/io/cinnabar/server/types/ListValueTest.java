package io.cinnabar.server.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
