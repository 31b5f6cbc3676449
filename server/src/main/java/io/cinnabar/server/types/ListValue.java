package io.cinnabar.server.types;

import java.util.ArrayList;

/**
 * A list, encoded as Redis 7.0 encodes every list: a quicklist, a sequence of {@link Listpack} nodes each filled up
 * to {@code list-max-listpack-size} (a positive count of entries, or -1..-5 for 4, 8, 16, 32 or 64 KB), as
 * quicklist.c's _quicklistNodeAllowInsert decides. Nodes are not compressed ({@code list-compress-depth} 0, Redis's
 * default). Not thread-safe: executor thread only.
 */
public final class ListValue implements Value {
    private static final int OBJ_LIST = 1;
    /** quicklist.c's optimization_level: node sizes in bytes for fill -1 .. -5. */
    private static final int[] FILL_BYTES = {4096, 8192, 16384, 32768, 65536};
    /** SIZE_SAFETY_LIMIT: a count-limited node still stops growing at 8 KB. */
    private static final int SIZE_SAFETY_LIMIT = 8192;

    private final ArrayList<Listpack> nodes = new ArrayList<>();
    private long size;
    private final int fill;

    /** An empty list whose nodes follow {@code fill} (list-max-listpack-size). */
    public ListValue(long fill) {
        this.fill = (int) Math.max(-5, Math.min(fill, Short.MAX_VALUE));
    }

    public long size() {
        return size;
    }

    public int fill() {
        return fill;
    }

    int nodeCount() {
        return nodes.size();
    }

    /** _quicklistNodeAllowInsert: whether {@code node} may take one more element of {@code length} bytes. */
    private boolean allows(Listpack node, int length) {
        int grown = node.bytes() + length + 11; // the entry's header and backlen, at most
        if (fill >= 0) {
            return node.size() < Math.max(fill, 1) && grown <= SIZE_SAFETY_LIMIT;
        }
        return grown <= FILL_BYTES[-fill - 1];
    }

    public void pushHead(byte[] element) {
        if (nodes.isEmpty() || !allows(nodes.get(0), element.length)) {
            nodes.add(0, new Listpack());
        }
        nodes.get(0).prepend(element);
        size++;
    }

    public void pushTail(byte[] element) {
        if (nodes.isEmpty() || !allows(nodes.get(nodes.size() - 1), element.length)) {
            nodes.add(new Listpack());
        }
        nodes.get(nodes.size() - 1).append(element);
        size++;
    }

    /** Removes and returns the first (or last) element; null when empty. */
    public byte[] pop(boolean head) {
        if (size == 0) {
            return null;
        }
        int n = head ? 0 : nodes.size() - 1;
        Listpack node = nodes.get(n);
        int pos = head ? node.first() : node.last();
        byte[] element = node.bytesAt(pos);
        node.delete(pos);
        if (node.isEmpty()) {
            nodes.remove(n);
        }
        size--;
        return element;
    }

    /** The element at {@code index} (negative from the end), or null when out of range. */
    public byte[] get(long index) {
        long i = index < 0 ? size + index : index;
        if (i < 0 || i >= size) {
            return null;
        }
        for (Listpack node : nodes) {
            if (i < node.size()) {
                return node.bytesAt(node.seek(i));
            }
            i -= node.size();
        }
        return null;
    }

    /** Replaces the element at {@code index}; false when out of range. */
    public boolean set(long index, byte[] element) {
        long i = index < 0 ? size + index : index;
        if (i < 0 || i >= size) {
            return false;
        }
        for (int n = 0; n < nodes.size(); n++) {
            Listpack node = nodes.get(n);
            if (i < node.size()) {
                node.replace(node.seek(i), element);
                return true;
            }
            i -= node.size();
        }
        return false;
    }

    /** Receives elements in order; return false to stop. */
    public interface ElementVisitor {
        boolean visit(byte[] element);
    }

    /** Visits elements {@code from} to {@code to} (inclusive, already clamped to the list) in order. */
    public void range(long from, long to, ElementVisitor visitor) {
        long first = 0; // index of the node's first element
        for (Listpack node : nodes) {
            long next = first + node.size();
            if (next > from) {
                long i = Math.max(from, first);
                for (int pos = node.seek(i - first); pos >= 0 && i <= to; pos = node.next(pos), i++) {
                    if (!visitor.visit(node.bytesAt(pos))) {
                        return;
                    }
                }
                if (i > to) {
                    return;
                }
            }
            first = next;
        }
    }

    /** Visits elements from the last to the first; return false to stop. */
    public void reverse(ElementVisitor visitor) {
        for (int n = nodes.size() - 1; n >= 0; n--) {
            Listpack node = nodes.get(n);
            for (int pos = node.last(); pos >= 0; pos = node.prev(pos)) {
                if (!visitor.visit(node.bytesAt(pos))) {
                    return;
                }
            }
        }
    }

    /** LINSERT: puts {@code element} before or after the first {@code pivot}; false when there is no pivot. */
    public boolean insert(byte[] pivot, byte[] element, boolean after) {
        for (int n = 0; n < nodes.size(); n++) {
            Listpack node = nodes.get(n);
            for (int pos = node.first(); pos >= 0; pos = node.next(pos)) {
                if (node.equalsAt(pos, pivot)) {
                    if (allows(node, element.length)) {
                        if (after) {
                            node.insertAfter(pos, element);
                        } else {
                            node.insertBefore(pos, element);
                        }
                    } else {
                        splitAndInsert(n, pos, element, after);
                    }
                    size++;
                    return true;
                }
            }
        }
        return false;
    }

    /** A full node: split it at the pivot and put the element at the end of the first half or start of the second. */
    private void splitAndInsert(int n, int pivotPos, byte[] element, boolean after) {
        Listpack node = nodes.get(n);
        Listpack first = new Listpack();
        Listpack second = new Listpack();
        boolean past = false;
        for (int pos = node.first(); pos >= 0; pos = node.next(pos)) {
            byte[] e = node.bytesAt(pos);
            if (pos == pivotPos) {
                if (after) {
                    first.append(e);
                    first.append(element);
                } else {
                    first.append(element);
                    first.append(e);
                }
                past = true;
            } else if (past) {
                second.append(e);
            } else {
                first.append(e);
            }
        }
        nodes.set(n, first);
        if (!second.isEmpty()) {
            nodes.add(n + 1, second);
        }
    }

    /** LREM: removes up to {@code count} elements equal to {@code element} (from the tail if negative, all if 0). */
    public long remove(byte[] element, long count) {
        long removed = 0;
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        if (count >= 0) {
            for (int n = 0; n < nodes.size() && removed < limit; n++) {
                Listpack node = nodes.get(n);
                int pos = node.first();
                while (pos >= 0 && removed < limit) {
                    if (node.equalsAt(pos, element)) {
                        pos = node.delete(pos);
                        removed++;
                    } else {
                        pos = node.next(pos);
                    }
                }
            }
        } else {
            for (int n = nodes.size() - 1; n >= 0 && removed < limit; n--) {
                Listpack node = nodes.get(n);
                int pos = node.last();
                while (pos >= 0 && removed < limit) {
                    int prev = node.prev(pos);
                    if (node.equalsAt(pos, element)) {
                        node.delete(pos);
                        removed++; // positions before a deletion stay valid
                    }
                    pos = prev;
                }
            }
        }
        nodes.removeIf(Listpack::isEmpty);
        size -= removed;
        return removed;
    }

    /** LTRIM: keeps elements {@code from} to {@code to} (inclusive, clamped; an empty range empties the list). */
    public void trim(long from, long to) {
        long keepStart = Math.max(0, from);
        long keepEnd = Math.min(size - 1, to);
        if (keepStart > keepEnd) {
            nodes.clear();
            size = 0;
            return;
        }
        long dropTail = size - 1 - keepEnd;
        for (long i = 0; i < keepStart; i++) {
            pop(true);
        }
        for (long i = 0; i < dropTail; i++) {
            pop(false);
        }
    }

    @Override
    public String typeName() {
        return "list";
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public ListValue copy() {
        ListValue copy = new ListValue(fill);
        for (Listpack node : nodes) {
            copy.nodes.add(node.copy());
        }
        copy.size = size;
        return copy;
    }

    /** The node arrays and the quicklist's own structures (a 32-byte node header each, as Redis's). */
    @Override
    public long memoryUsage(int samples) {
        long total = 40;
        for (Listpack node : nodes) {
            total += 32 + 24 + Types.arrayBytes(node.array().length);
        }
        return total;
    }

    /** xorObjectDigest for OBJ_LIST: every element mixed in order. */
    @Override
    public void digest(Digest digest) {
        digest.mix(OBJ_LIST);
        range(0, size - 1, element -> {
            digest.mix(element);
            return true;
        });
    }

    /** Each node's exact listpack bytes, for DEBUG OBJECT's serialized length and, later, RDB. */
    public java.util.List<byte[]> nodeBytes() {
        java.util.List<byte[]> out = new ArrayList<>(nodes.size());
        for (Listpack node : nodes) {
            out.add(node.toBytes());
        }
        return out;
    }
}
